package io.herald.server.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What a {@link Call} means for the delivery, following the Standard Webhooks status etiquette:
 * <ul>
 *   <li>2xx: delivered (the handler returns: ack);
 *   <li>408, 429, 5xx, a timeout, no connection: {@link Retry} by the subscription's retry
 *       policy, no sooner than a {@code Retry-After} (seconds or an HTTP date) asks;
 *   <li>3xx: {@link Retry} too (the spec counts a redirect as a failure and says not to follow
 *       it; the URL is wrong until someone fixes it, and a redrive then delivers the dead letters);
 *   <li>any other 4xx (400, 401, 403, 404, 410, 413, ...): {@link Refused}, an explicit refusal
 *       that no retry cures: dead letter at once.
 * </ul>
 * Every message names the call, the status and the start of the answer's body, on one line, so
 * that the dead letter carries them as its error. Pure.
 */
sealed interface Verdict {

    /** The most characters of an answer's body a message quotes. */
    int EXCERPT_CHARS = 500;

    /** The destination took the event. */
    record Delivered() implements Verdict {
    }

    /**
     * Try again; {@code outcome} is the metrics tag ({@code retried}, {@code timeout},
     * {@code unreachable}), {@code retryAfter} what the destination asked for.
     */
    record Retry(String outcome, String message, Optional<Duration> retryAfter) implements Verdict {
    }

    /** The destination refused the event for good. */
    record Refused(String message) implements Verdict {
    }

    static Verdict of(Call call, String target, Instant now) {
        return switch (call) {
            case Call.Answered a when a.status() >= 200 && a.status() < 300 -> new Delivered();
            case Call.Answered a when a.status() >= 300 && a.status() < 400 -> new Retry("retried",
                    target + " answered HTTP " + a.status() + a.location().map(l -> " (redirect to " + oneLine(l, 200)
                            + "; webhooks do not follow redirects: change the URL)").orElse("") + excerpt(a.body()), Optional.empty());
            case Call.Answered a when a.status() == 408 || a.status() == 429 || a.status() >= 500 -> {
                Optional<Duration> after = a.retryAfter().flatMap(v -> retryAfter(v, now));
                yield new Retry("retried", target + " answered HTTP " + a.status()
                        + after.map(d -> " (Retry-After " + d.toSeconds() + " s)").orElse("") + excerpt(a.body()), after);
            }
            case Call.Answered a -> new Refused(target + " answered HTTP " + a.status() + excerpt(a.body()));
            case Call.TimedOut t -> new Retry("timeout", target + " gave no answer within the timeout of "
                    + t.timeout().toMillis() + " ms", Optional.empty());
            case Call.Unreachable u -> new Retry("unreachable", target + " could not be reached: " + oneLine(u.reason(), EXCERPT_CHARS),
                    Optional.empty());
        };
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date (RFC 9110 section 10.2.3); empty when it is neither. */
    static Optional<Duration> retryAfter(String value, Instant now) {
        String v = value.trim();
        if (!v.isEmpty() && v.length() <= 12 && v.chars().allMatch(Character::isDigit)) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String excerpt(byte[] body) {
        String text = oneLine(new String(body, StandardCharsets.UTF_8), EXCERPT_CHARS);
        return text.isEmpty() ? " with an empty body" : ": " + text;
    }

    /** Runs of whitespace and control characters become one space; cut at {@code max} characters, marked by "...". */
    static String oneLine(String text, int max) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 3);
        boolean space = false;
        int i = 0;
        for (; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                space = out.length() > 0;
            } else {
                if (space) {
                    out.append(' ');
                    space = false;
                }
                out.append(c);
            }
        }
        boolean more = text.substring(i).chars().anyMatch(c -> !Character.isWhitespace(c) && !Character.isISOControl(c));
        return more ? out + "..." : out.toString();
    }
}
