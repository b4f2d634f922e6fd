package io.herald.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.Durations;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A webhook as JSON: the member {@code "webhook"} of a subscription's {@code PUT} body, and of
 * its answers.
 * <pre>
 * {"url": "https://billing.example/hooks", "secret": "whsec_...", "timeout": "5s", "ratePerSecond": 50,
 *  "headers": {"X-Api-Key": "..."}, "circuitBreaker": {"failures": 5, "openFor": "30s"}}
 * </pre>
 * Only {@code url} is required. The defaults: no secret (the server keeps the webhook's current
 * one, or generates one), {@code timeout} 15 s, no rate limit, no headers, the circuit breaker
 * opens after 5 failures in a row for 30 s. Durations are written as {@code 250ms}, {@code 30s},
 * {@code 5m} or ISO-8601, or as a number of milliseconds.
 *
 * <p>Three written forms, by who reads them:
 * <ul>
 *   <li>{@link #write} — every answer: no {@code secret} (only {@code "secretSet": true}), and each
 *       header's value shown as {@value WebhookConfig#MASKED} (an API key is a credential too);
 *   <li>{@link #writeRevealingSecret} — the answer to the {@code PUT} that generated the secret:
 *       the one time the server shows it;
 *   <li>{@link #writeStored} — everything, for the server's own durable record; never an answer.
 * </ul>
 * A {@code GET} answer sent back as a {@code PUT} works: {@code secretSet} is accepted and
 * ignored, and a masked header value is refused with a problem saying to send the real one.
 */
public final class WebhookJson {

    /** The member of a subscription's body that holds the webhook; problems name {@code webhook.<member>}. */
    public static final String MEMBER = "webhook";

    private static final Set<String> MEMBERS = Set.of("url", "secret", "secretSet", "timeout", "ratePerSecond", "headers",
            "circuitBreaker");
    private static final Set<String> BREAKER_MEMBERS = Set.of("failures", "openFor");

    private WebhookJson() {
    }

    /** The {@code "webhook"} member of a subscription's body; problems name {@code webhook.url} and so on. */
    public static WebhookConfig parse(ObjectNode webhook) {
        return parse(webhook, MEMBER + ".");
    }

    /** A webhook object whose members problems name {@code prefix + member}. */
    public static WebhookConfig parse(ObjectNode webhook, String prefix) {
        JsonFields f = JsonFields.nested(webhook, prefix, MEMBERS);
        URI url = f.checked("url", () -> WebhookConfig.parseUrl(f.string("url")));
        Optional<WebhookConfig.Secret> secret = f.optionalString("secret").map(s -> f.checked("secret", () -> new WebhookConfig.Secret(s)));
        f.optionalBoolean("secretSet"); // read-only: what an answer says; accepted so that an answer can be sent back
        Duration timeout = f.optionalDuration("timeout").orElse(WebhookConfig.DEFAULT_TIMEOUT);
        f.checked("timeout", () -> {
            WebhookConfig.requireValidTimeout(timeout);
            return timeout;
        });
        Optional<Double> rate = f.optionalDouble("ratePerSecond");
        rate.ifPresent(r -> f.checked("ratePerSecond", () -> {
            WebhookConfig.requireValidRate(r);
            return r;
        }));
        Map<String, String> headers = f.optionalObject("headers").map(h -> headers(f, h, prefix + "headers.")).orElse(Map.of());
        f.checked("headers", () -> {
            WebhookConfig.requireValidHeaders(headers);
            return headers;
        });
        WebhookConfig.Breaker breaker = f.optionalObject("circuitBreaker").map(b -> breaker(b, prefix + "circuitBreaker."))
                .orElse(WebhookConfig.Breaker.DEFAULT);
        return new WebhookConfig(url, secret, timeout, rate, headers, breaker);
    }

    private static Map<String, String> headers(JsonFields f, ObjectNode object, String prefix) {
        Map<String, String> headers = new LinkedHashMap<>();
        var fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String member = prefix + field.getKey();
            if (!field.getValue().isTextual()) {
                throw new ProblemException(Problem.badField(member, "'" + member + "' must be a string, got "
                        + Json.describe(field.getValue())));
            }
            try {
                WebhookConfig.requireValidHeader(field.getKey(), field.getValue().textValue());
            } catch (io.herald.error.InvalidSpecException e) {
                throw new ProblemException(Problem.badField(member, "'" + member + "': " + e.getMessage()));
            }
            headers.put(field.getKey(), field.getValue().textValue());
        }
        return headers;
    }

    private static WebhookConfig.Breaker breaker(ObjectNode object, String prefix) {
        JsonFields f = JsonFields.nested(object, prefix, BREAKER_MEMBERS);
        int failures = f.optionalInt("failures", 1, WebhookConfig.Breaker.MAX_FAILURES).orElse(WebhookConfig.Breaker.DEFAULT.failures());
        Duration openFor = f.optionalDuration("openFor").orElse(WebhookConfig.Breaker.DEFAULT.openFor());
        return f.checked("openFor", () -> new WebhookConfig.Breaker(failures, openFor));
    }

    /** What every answer shows: no secret, header values masked. */
    public static ObjectNode write(WebhookConfig config) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("url", config.url().toString());
        o.put("secretSet", config.secret().isPresent());
        writeSettings(o, config, true);
        return o;
    }

    /** {@link #write} with the secret: the answer to the {@code PUT} that generated it, and nothing else. */
    public static ObjectNode writeRevealingSecret(WebhookConfig config) {
        ObjectNode o = write(config);
        config.secret().ifPresent(s -> o.put("secret", s.value()));
        return o;
    }

    /** Every setting, the secret and header values included: the server's durable record. {@link #parse} reads it back. */
    public static ObjectNode writeStored(WebhookConfig config) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("url", config.url().toString());
        config.secret().ifPresent(s -> o.put("secret", s.value()));
        writeSettings(o, config, false);
        return o;
    }

    private static void writeSettings(ObjectNode o, WebhookConfig config, boolean maskHeaders) {
        o.put("timeout", Durations.format(config.timeout()));
        config.ratePerSecond().ifPresentOrElse(r -> o.put("ratePerSecond", r), () -> o.putNull("ratePerSecond"));
        ObjectNode headers = o.putObject("headers");
        config.headers().forEach((name, value) -> headers.put(name, maskHeaders ? WebhookConfig.MASKED : value));
        o.putObject("circuitBreaker")
                .put("failures", config.circuitBreaker().failures())
                .put("openFor", Durations.format(config.circuitBreaker().openFor()));
    }
}
