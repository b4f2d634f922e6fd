package io.herald.server.http;

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
import io.herald.http.ProblemException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every exception a request can end in, as the problem the client gets. Herald's typed errors
 * keep their message (it names the topic, the attribute, the limit); a failure of the server or
 * its storage is a 5xx that says what failed without internals, and is logged with its stack
 * trace, since no client input should ever reach that branch.
 */
public final class ErrorMapping {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {
    }

    public static Problem problemFor(Throwable error) {
        Throwable e = unwrap(error);
        return switch (e) {
            case ProblemException p -> p.problem();
            case TopicNotFoundException t -> Problem.notFound("topic-not-found", t.getMessage()).with("topic", t.topic());
            case SubscriptionNotFoundException s -> Problem.notFound("subscription-not-found", s.getMessage());
            case TopicExistsException t -> Problem.conflict("topic-exists", t.getMessage());
            case SubscriptionActiveException s -> Problem.conflict("subscription-active", s.getMessage());
            case InvalidNameException n -> Problem.badRequest("invalid-name", n.getMessage());
            case InvalidSpecException s -> Problem.badRequest("invalid-spec", s.getMessage());
            case InvalidEventException i -> Problem.badRequest("invalid-event", i.getMessage()).with("attribute", i.attribute());
            case MalformedEventException m -> Problem.badRequest("malformed-event", m.getMessage());
            case EventTooLargeException t -> Problem.tooLarge(t.getMessage()).with("limit", t.limit());
            case BrokerClosedException b -> Problem.of(503, "shutting-down", "Service unavailable",
                    "the server is shutting down; retry on another server or after it restarts");
            case StorageException s -> unavailable(s);
            case HttpResponseException h -> fromJavalin(h);
            case HeraldException h -> unavailable(h);
            default -> internal(e);
        };
    }

    /** Answers the request with the problem for {@code error}; a 5xx is logged with its stack trace. */
    public static void answer(Context ctx, Throwable error) {
        Problem problem = problemFor(error);
        if (problem.status() >= 500) {
            LOG.warn("{} {} failed: {}", ctx.method(), ctx.path(), problem.detail(), error);
        }
        write(ctx, problem);
    }

    public static void write(Context ctx, Problem problem) {
        if (problem.status() == 429 || problem.status() == 503) {
            Object retryAfter = problem.extensions().get("retryAfterSeconds");
            if (retryAfter != null) {
                ctx.header("Retry-After", retryAfter.toString());
            }
        }
        ctx.status(problem.status()).contentType(Problem.CONTENT_TYPE).result(Json.write(problem.body()));
    }

    private static Problem unavailable(HeraldException e) {
        return Problem.of(503, "broker-unavailable", "Service unavailable", "the broker could not do this now: " + e.getMessage());
    }

    private static Problem fromJavalin(HttpResponseException h) {
        int status = h.getStatus();
        return switch (status) {
            case 413 -> Problem.tooLarge("the request body is larger than this server accepts");
            case 404 -> Problem.notFound("no-such-route", "no route matches this path");
            case 405 -> Problem.of(405, "method-not-allowed", "Method not allowed", "this path does not take this method");
            default -> status >= 400 && status < 500
                    ? Problem.of(status, "bad-request", "Bad request", h.getMessage() == null ? "the request was refused" : h.getMessage())
                    : internal(h);
        };
    }

    private static Problem internal(Throwable e) {
        return Problem.of(500, "internal-error", "Internal server error",
                "the server failed to answer this request (" + e.getClass().getSimpleName() + "); it is logged");
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
