package io.herald.server.http;

import io.herald.broker.Durations;
import io.herald.error.InvalidSpecException;
import io.herald.http.Problem;
import io.herald.http.ProblemException;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Query parameters read with a 400 problem naming the parameter and the accepted values when
 * one is wrong, never a default silently put in its place.
 */
public final class Params {

    private Params() {
    }

    /** The parameter's one value, if given; a repeated parameter is a 400 (which one was meant?). */
    public static Optional<String> string(Context ctx, String name) {
        List<String> values = ctx.queryParams(name);
        if (values.isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw new ProblemException(Problem.badParameter(name, "'" + name + "' is given " + values.size() + " times; give it once"));
        }
        return Optional.of(values.getFirst());
    }

    public static int integer(Context ctx, String name, int defaultValue, int min, int max) {
        Optional<String> text = string(ctx, name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(text.get().trim());
            if (value < min || value > max) {
                throw new ProblemException(Problem.badParameter(name, "'" + name + "' must be between " + min + " and " + max
                        + ", got " + value));
            }
            return (int) value;
        } catch (NumberFormatException e) {
            throw new ProblemException(Problem.badParameter(name, "'" + name + "' must be a whole number between " + min + " and "
                    + max + ", got '" + abbreviate(text.get()) + "'"));
        }
    }

    /** A duration such as {@code 250ms}, {@code 20s}, {@code 5m} or ISO-8601, within the bounds. */
    public static Duration duration(Context ctx, String name, Duration defaultValue, Duration min, Duration max) {
        Optional<String> text = string(ctx, name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        return checkDuration(name, parseDuration(name, text.get()), min, max);
    }

    public static Optional<Duration> optionalDuration(Context ctx, String name, Duration min, Duration max) {
        return string(ctx, name).map(t -> checkDuration(name, parseDuration(name, t), min, max));
    }

    public static boolean bool(Context ctx, String name, boolean defaultValue) {
        Optional<String> text = string(ctx, name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        return switch (text.get().trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new ProblemException(Problem.badParameter(name, "'" + name + "' must be true or false, got '"
                    + abbreviate(text.get()) + "'"));
        };
    }

    static Duration parseDuration(String name, String text) {
        try {
            return Durations.parse(text);
        } catch (InvalidSpecException | ArithmeticException e) {
            throw new ProblemException(Problem.badParameter(name, "'" + name + "' must be a duration such as 250ms, 20s or 5m, got '"
                    + abbreviate(text) + "'"));
        }
    }

    public static Duration checkDuration(String name, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ProblemException(Problem.badParameter(name, "'" + name + "' must be between " + Durations.format(min)
                    + " and " + Durations.format(max) + ", got " + Durations.format(value)));
        }
        return value;
    }

    /** Client text in a message: cut to a length that cannot flood a log or an answer. */
    public static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "... (" + text.length() + " characters)";
    }
}
