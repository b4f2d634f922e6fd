package io.herald.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.broker.KeyAfterDeadLetter;
import io.herald.broker.Ordering;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.spi.OffsetRanges;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CommitMetadataTest {

    @Test
    void everySettingOfASpecSurvivesTheRoundTrip() {
        SubscriptionSpec spec = SubscriptionSpec.ordering(Ordering.KEY)
                .startAt(StartPosition.at(Instant.parse("2026-11-22T10:15:30.5Z")))
                .sessionTimeout(Duration.ofMillis(1500))
                .filter("{\"type\": [\"order.placed\"]}")
                .retry(new RetryPolicy(7, Duration.ofMillis(200), 3.0, Duration.ofSeconds(30), java.util.Set.of()).permanent(IllegalArgumentException.class))
                .deadLetterTopic("orders-dead")
                .leaseDuration(Duration.ofSeconds(45))
                .concurrency(64)
                .keyAfterDeadLetter(KeyAfterDeadLetter.values()[KeyAfterDeadLetter.values().length - 1]);
        assertThat(CommitMetadata.parse(CommitMetadata.of(spec))).contains(spec);
        for (StartPosition start : new StartPosition[]{StartPosition.EARLIEST, StartPosition.LATEST, StartPosition.offset(42)}) {
            SubscriptionSpec s = SubscriptionSpec.defaults().startAt(start);
            assertThat(CommitMetadata.parse(CommitMetadata.of(s))).contains(s);
        }
    }

    @Test
    void metadataThatIsNotOursReadsAsNothing() {
        assertThat(CommitMetadata.parse(null)).isEmpty();
        assertThat(CommitMetadata.parse("")).isEmpty();
        assertThat(CommitMetadata.parse("written by another tool")).isEmpty();
        assertThat(CommitMetadata.parse("{\"v\":1,\"ordering\":\"SIDEWAYS\"}")).isEmpty();
    }

    @Test
    void aSpecTooLargeForKafkasMetadataLimitIsNotStored() {
        SubscriptionSpec huge = SubscriptionSpec.defaults().filter("{\"type\": [\"" + "x".repeat(5000) + "\"]}");
        assertThat(CommitMetadata.of(huge)).isEmpty();
    }

    @Test
    void theEnginesFinishedOffsetsRideAlongTheSpecWithinKafkasLimitAndAMovedCursorDropsThem() {
        SubscriptionSpec spec = SubscriptionSpec.ordering(Ordering.KEY).filter("{\"type\": [\"" + "x".repeat(2500) + "\"]}");
        String specText = CommitMetadata.of(spec);
        OffsetRanges finished = new OffsetRanges();
        for (long o = 101; o < 100_000; o += 2) {
            finished.add(o); // 50,000 ranges of one behind an unfinished offset 100: far more than fit
        }
        String metadata = CommitMetadata.withFinished(specText, finished, 100);
        assertThat(metadata.length()).isLessThanOrEqualTo(CommitMetadata.MAX_BYTES);
        assertThat(CommitMetadata.parse(metadata)).as("the spec still reads").contains(spec);
        OffsetRanges read = CommitMetadata.finished(metadata, 100);
        assertThat(read.contains(100)).isFalse();
        assertThat(read.contains(101)).isTrue();
        assertThat(read.contains(103)).isTrue();
        assertThat(read.contains(99_999)).as("what does not fit is left out: delivered again, not lost").isFalse();
        assertThat(CommitMetadata.specOnly(metadata)).isEqualTo(specText);
        assertThat(CommitMetadata.withFinished(specText, new OffsetRanges(), 100)).isEqualTo(specText);
        assertThat(CommitMetadata.finished(specText, 100).rangeCount()).isZero();
        assertThat(CommitMetadata.finished("written by another tool", 100).rangeCount()).isZero();
    }
}
