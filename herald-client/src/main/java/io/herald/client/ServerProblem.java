package io.herald.client;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A problem answer of the server (RFC 9457) and the Broker API exception it stands for. The
 * server writes a typed error's own message as the problem's {@code detail} and says which error
 * it was with the problem's type; this turns it back into that error, with that message, so a
 * caller of {@link RemoteBroker} catches what a caller of an embedded broker catches. The typed
 * errors build their message from their parts (a topic, a name and a rule), so the parts are read
 * back from the detail; a detail of another shape (another server version) still gives an error
 * of the same kind, or a plain {@link HeraldException} carrying the detail.
 *
 * @param status the HTTP status
 * @param slug   the last segment of the problem's type: {@code topic-not-found}, {@code invalid-spec}, ...
 * @param detail what the server said about this request
 * @param body   the whole document, for the members at fault ({@code topic}, {@code attribute}, {@code limit})
 */
record ServerProblem(int status, String slug, String detail, JsonNode body) {

    private static final Pattern SUBSCRIPTION_NOT_FOUND = Pattern.compile("subscription '(.*)' does not exist on topic '(.*)'");
    private static final Pattern TOPIC_EXISTS = Pattern.compile("topic '(.*)' already exists");
    private static final Pattern INVALID_NAME = Pattern.compile("invalid (\\S+) name '(.*?)': (.*)", Pattern.DOTALL);
    private static final Pattern ACTIVE = Pattern.compile(
            "cannot (.+) subscription '(.*)' on topic '(.*)' while it has \\d+ active member\\(s\\) \\[(.*)\\]; close them first");
    private static final Pattern TOO_LARGE = Pattern.compile("event '(.*)' is (\\d+) bytes encoded; the limit is (\\d+) bytes");
    private static final String MALFORMED_PREFIX = "malformed event: ";

    /** The problem an error answer carries; empty when the answer is no problem document (a proxy's page, another server). */
    static Optional<ServerProblem> of(int status, Optional<String> contentType, byte[] body) {
        if (contentType.map(t -> !t.startsWith(Problem.CONTENT_TYPE)).orElse(true) || body.length == 0) {
            return Optional.empty();
        }
        try {
            JsonNode doc = Json.MAPPER.readTree(body);
            String type = doc.path("type").asText("");
            String slug = type.startsWith(Problem.TYPE_PREFIX) ? type.substring(Problem.TYPE_PREFIX.length()) : type;
            return Optional.of(new ServerProblem(status, slug, doc.path("detail").asText(doc.path("title").asText("")), doc));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The exception for this problem. {@code server} names the server in the messages of
     * failures that are not about the request; {@code topic} is the topic the request was about,
     * if any, for a detail that does not name it.
     */
    HeraldException toException(URI server, Optional<String> topic) {
        return switch (slug) {
            case "topic-not-found" -> new TopicNotFoundException(member("topic").or(() -> topic).orElse("?"));
            case "subscription-not-found" -> matched(SUBSCRIPTION_NOT_FOUND)
                    .<HeraldException>map(m -> new SubscriptionNotFoundException(m.group(2), m.group(1)))
                    .orElseGet(() -> new HeraldException(detail));
            case "topic-exists" -> new TopicExistsException(matched(TOPIC_EXISTS).map(m -> m.group(1))
                    .or(() -> topic).orElse("?"));
            case "subscription-active" -> matched(ACTIVE).<HeraldException>map(m -> new SubscriptionActiveException(m.group(3),
                    m.group(2), m.group(1), m.group(4).isEmpty() ? List.of() : Arrays.asList(m.group(4).split(", ", -1))))
                    .orElseGet(() -> new HeraldException(detail));
            case "invalid-name" -> matched(INVALID_NAME)
                    .<HeraldException>map(m -> new InvalidNameException(m.group(1), m.group(2), m.group(3)))
                    .orElseGet(() -> new InvalidSpecException(detail));
            // a definition the subscription's consumers elsewhere do not share: what a broker says in process too
            case "invalid-spec", "invalid-field", "invalid-parameter", "subscription-in-use" -> new InvalidSpecException(detail);
            case "invalid-event" -> invalidEvent();
            case "malformed-event" -> new MalformedEventException(detail.startsWith(MALFORMED_PREFIX)
                    ? detail.substring(MALFORMED_PREFIX.length()) : detail);
            case "too-large" -> found(TOO_LARGE).<HeraldException>map(m -> new EventTooLargeException(m.group(1),
                    Long.parseLong(m.group(2)), Long.parseLong(m.group(3))))
                    .orElseGet(() -> new HeraldException("the Herald server at " + server + " refused the request as too large: " + detail));
            case "shutting-down" -> new BrokerClosedException("the Herald server at " + server);
            case "broker-unavailable", "not-ready" -> new StorageException(detail);
            default -> status == 401 || status == 403
                    ? new AccessDeniedException(server, status, detail)
                    : new HeraldException("the Herald server at " + server + " answered " + status + " (" + slug + "): " + detail);
        };
    }

    /** {@code invalid event: attribute 'A' PROBLEM}, maybe after {@code event N of the batch: }: the attribute and the problem. */
    private HeraldException invalidEvent() {
        Optional<String> attribute = member("attribute");
        if (attribute.isPresent()) {
            String marker = "attribute '" + attribute.get() + "' ";
            int at = detail.indexOf(marker);
            if (at >= 0) {
                return new InvalidEventException(attribute.get(), detail.substring(at + marker.length()));
            }
        }
        return new HeraldException(detail);
    }

    private Optional<String> member(String name) {
        JsonNode n = body.get(name);
        return n == null || !n.isTextual() ? Optional.empty() : Optional.of(n.textValue());
    }

    private Optional<Matcher> matched(Pattern pattern) {
        Matcher m = pattern.matcher(detail);
        return m.matches() ? Optional.of(m) : Optional.empty();
    }

    /** The pattern anywhere in the detail: a batch's problem names the event first ({@code event 3 of the batch: ...}). */
    private Optional<Matcher> found(Pattern pattern) {
        Matcher m = pattern.matcher(detail);
        return m.find() ? Optional.of(m) : Optional.empty();
    }
}
