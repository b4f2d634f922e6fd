package io.herald.server.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.read.ReadRoutes.Answer;
import org.junit.jupiter.api.Test;

/** Which form a read answers in, from the Accept header. */
class ReadAnswerTest {

    @Test
    void theHighestRankedKnownTypeWins() {
        assertThat(Answer.negotiate("text/event-stream")).isEqualTo(Answer.STREAM);
        assertThat(Answer.negotiate("application/cloudevents-batch+json; charset=utf-8")).isEqualTo(Answer.BATCH);
        assertThat(Answer.negotiate("application/cloudevents-batch+json, application/problem+json;q=0.5")).isEqualTo(Answer.BATCH);
        assertThat(Answer.negotiate("application/json;q=0.4, Application/CloudEvents-Batch+JSON;q=0.8")).isEqualTo(Answer.BATCH);
        assertThat(Answer.negotiate("application/json, text/event-stream;q=0")).isEqualTo(Answer.ENVELOPE);
        assertThat(Answer.negotiate("text/event-stream, */*")).as("a tie goes to the first").isEqualTo(Answer.STREAM);
        assertThat(Answer.negotiate("*/*;q=0.1, text/event-stream;q=0.9")).isEqualTo(Answer.STREAM);
    }

    @Test
    void anythingElseGetsTheJsonEnvelope() {
        assertThat(Answer.negotiate(null)).isEqualTo(Answer.ENVELOPE);
        assertThat(Answer.negotiate("")).isEqualTo(Answer.ENVELOPE);
        assertThat(Answer.negotiate("*/*")).isEqualTo(Answer.ENVELOPE);
        assertThat(Answer.negotiate("text/html")).isEqualTo(Answer.ENVELOPE);
        assertThat(Answer.negotiate("text/event-stream;q=nonsense")).isEqualTo(Answer.ENVELOPE);
    }
}
