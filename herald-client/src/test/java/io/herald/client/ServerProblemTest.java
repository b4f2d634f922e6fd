package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.broker.BrokerClosedException;
import io.herald.broker.EventTooLargeException;
import io.herald.broker.InvalidNameException;
import io.herald.broker.StorageException;
import io.herald.broker.SubscriptionActiveException;
import io.herald.broker.SubscriptionNotFoundException;
import io.herald.broker.TopicExistsException;
import io.herald.broker.TopicNotFoundException;
import io.herald.error.HeraldException;
import io.herald.error.InvalidSpecException;
import io.herald.event.InvalidEventException;
import io.herald.event.MalformedEventException;
import io.herald.http.Json;
import io.herald.http.Problem;
import io.herald.server.http.ErrorMapping;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every error the server's broker throws, turned into a problem by the server's own
 * {@link ErrorMapping}, comes back to the client as the same exception with the same message.
 */
class ServerProblemTest {

    private static final URI SERVER = URI.create("http://127.0.0.1:7070");

    static List<HeraldException> brokerErrors() {
        return List.of(
                new TopicNotFoundException("orders"),
                new SubscriptionNotFoundException("orders", "billing"),
                new TopicExistsException("orders"),
                new SubscriptionActiveException("orders", "billing", "reset", List.of("m-1", "m-2")),
                new SubscriptionActiveException("orders", "billing", "delete", List.of("only")),
                new InvalidNameException("topic", "a/b", "character '/' at index 1 is not allowed; use only A-Z a-z 0-9 . _ -"),
                new InvalidNameException("subscription", "__x", "names starting with '__' are reserved for Herald's internal topics"),
                new InvalidSpecException("partitions must be between 1 and 4096, got 0"),
                new InvalidEventException("source", "must not be empty"),
                new MalformedEventException("not JSON: Unexpected end-of-input"),
                new EventTooLargeException("e-1", 2_000_123, 1_048_576));
    }

    private static HeraldException roundTrip(Problem problem) {
        byte[] body = Json.write(problem.body());
        return ServerProblem.of(problem.status(), Optional.of(Problem.CONTENT_TYPE + ";charset=utf-8"), body).orElseThrow()
                .toException(SERVER, Optional.of("orders"));
    }

    @ParameterizedTest
    @MethodSource("brokerErrors")
    void aBrokerErrorComesBackAsItself(HeraldException error) {
        HeraldException back = roundTrip(ErrorMapping.problemFor(error));

        assertThat(back).isExactlyInstanceOf(error.getClass()).hasMessage(error.getMessage());
        if (error instanceof InvalidEventException invalid) {
            assertThat(((InvalidEventException) back).attribute()).isEqualTo(invalid.attribute());
        }
        if (error instanceof EventTooLargeException tooLarge) {
            assertThat(((EventTooLargeException) back).size()).isEqualTo(tooLarge.size());
            assertThat(((EventTooLargeException) back).limit()).isEqualTo(tooLarge.limit());
        }
    }

    @Test
    void failuresOfTheServerKeepItsWords() {
        assertThat(roundTrip(ErrorMapping.problemFor(new StorageException("disk full")))).isExactlyInstanceOf(StorageException.class)
                .hasMessageContaining("disk full");
        assertThat(roundTrip(ErrorMapping.problemFor(new BrokerClosedException("the broker"))))
                .isExactlyInstanceOf(BrokerClosedException.class).hasMessageContaining(SERVER.toString());
    }

    @Test
    void theRequestsOwnMistakesAreInvalidSpecs() {
        assertThat(roundTrip(Problem.badField("retry.maxAttempts", "'retry.maxAttempts' must be a whole number")))
                .isExactlyInstanceOf(InvalidSpecException.class).hasMessage("'retry.maxAttempts' must be a whole number");
        assertThat(roundTrip(Problem.badParameter("from", "'from': start position must be ...")))
                .isExactlyInstanceOf(InvalidSpecException.class);
        assertThat(roundTrip(Problem.conflict("subscription-in-use", "subscription 's' on topic 't' is in use with another definition")))
                .isExactlyInstanceOf(InvalidSpecException.class).hasMessageContaining("in use with another definition");
        assertThat(roundTrip(Problem.badRequest("invalid-event", "event 2 of the batch: invalid event: attribute 'id' must not be empty")
                .with("attribute", "id"))).isExactlyInstanceOf(InvalidEventException.class)
                .hasMessage("invalid event: attribute 'id' must not be empty");
    }

    @Test
    void aRefusedTokenNamesTheServerAndTheProblem() {
        HeraldException unauthorized = roundTrip(Problem.of(401, "unauthorized", "Unauthorized",
                "this server needs a token: send 'Authorization: Bearer <token>'"));
        assertThat(unauthorized).isExactlyInstanceOf(AccessDeniedException.class)
                .hasMessage("the Herald server at " + SERVER + " refused the request (401 unauthorized): this server needs a token: "
                        + "send 'Authorization: Bearer <token>'");
        assertThat(((AccessDeniedException) unauthorized).status()).isEqualTo(401);

        HeraldException forbidden = roundTrip(Problem.of(403, "forbidden", "Forbidden", "token 'reader' may not admin on topic 'orders'"));
        assertThat(forbidden).isExactlyInstanceOf(AccessDeniedException.class).hasMessageContaining("403 forbidden")
                .hasMessageContaining("token 'reader' may not admin on topic 'orders'");
    }

    @Test
    void otherProblemsAreHeraldExceptionsThatSayWhoAnsweredWhat() {
        assertThat(roundTrip(Problem.of(429, "rate-limited", "Too many requests", "more than 5 requests per second")))
                .isExactlyInstanceOf(HeraldException.class)
                .hasMessage("the Herald server at " + SERVER + " answered 429 (rate-limited): more than 5 requests per second");
        assertThat(roundTrip(Problem.tooLarge("the batch holds 20000 events; the limit is 10000 per request").with("limit", 10000)))
                .isExactlyInstanceOf(HeraldException.class).hasMessageContaining("the batch holds 20000 events");
    }

    @Test
    void anAnswerThatIsNoProblemDocumentIsNoProblem() {
        assertThat(ServerProblem.of(502, Optional.of("text/html"), "<html>Bad gateway</html>".getBytes())).isEmpty();
        assertThat(ServerProblem.of(500, Optional.empty(), new byte[0])).isEmpty();
        assertThat(ServerProblem.of(500, Optional.of(Problem.CONTENT_TYPE), "{not json".getBytes())).isEmpty();
    }
}
