package io.herald.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.Durations;
import io.herald.error.InvalidSpecException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Members of a JSON request body, read with a 400 problem that names the member and what it
 * must be. Unknown members are refused rather than ignored: a typo ({@code "partition": 8})
 * would otherwise silently give the default.
 */
public final class JsonFields {

    private final ObjectNode object;
    private final String prefix;

    private JsonFields(ObjectNode object, String prefix) {
        this.object = object;
        this.prefix = prefix;
    }

    /** The members of {@code object}; {@code known} are the names it may have. */
    public static JsonFields of(ObjectNode object, Set<String> known) {
        return nested(object, "", known);
    }

    /** A nested object's members, named {@code prefix.member} in problems. */
    public static JsonFields nested(ObjectNode object, String prefix, Set<String> known) {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new ProblemException(Problem.badField(prefix + name, "unknown member '" + prefix + name + "'; known: "
                        + String.join(", ", known.stream().sorted().toList())));
            }
        }
        return new JsonFields(object, prefix);
    }

    public boolean has(String name) {
        JsonNode node = object.get(name);
        return node != null && !node.isNull();
    }

    public String string(String name) {
        return optionalString(name).orElseThrow(() -> bad(name, "is required"));
    }

    public Optional<String> optionalString(String name) {
        JsonNode node = object.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw bad(name, "must be a string, got " + Json.describe(node));
        }
        return Optional.of(node.textValue());
    }

    public Optional<Integer> optionalInt(String name, int min, int max) {
        JsonNode node = object.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            throw bad(name, "must be a whole number between " + min + " and " + max + ", got " + abbreviate(node));
        }
        return Optional.of(node.intValue());
    }

    public Optional<Long> optionalLong(String name, long min, long max) {
        JsonNode node = object.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            throw bad(name, "must be a whole number between " + min + " and " + max + ", got " + abbreviate(node));
        }
        return Optional.of(node.longValue());
    }

    public Optional<Double> optionalDouble(String name) {
        JsonNode node = object.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isNumber() || !Double.isFinite(node.doubleValue())) {
            throw bad(name, "must be a number, got " + abbreviate(node));
        }
        return Optional.of(node.doubleValue());
    }

    public Optional<Boolean> optionalBoolean(String name) {
        JsonNode node = object.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            throw bad(name, "must be true or false, got " + abbreviate(node));
        }
        return Optional.of(node.booleanValue());
    }

    /** A duration written as {@code 250ms}, {@code 30s}, {@code 5m}, {@code 7d} or ISO-8601, or a number of milliseconds. */
    public Optional<Duration> optionalDuration(String name) {
        JsonNode node = object.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0) {
            return Optional.of(Duration.ofMillis(node.longValue()));
        }
        if (!node.isTextual()) {
            throw bad(name, "must be a duration such as \"30s\" or a number of milliseconds, got " + abbreviate(node));
        }
        try {
            return Optional.of(Durations.parse(node.textValue()));
        } catch (InvalidSpecException | ArithmeticException e) {
            throw bad(name, "must be a duration such as \"250ms\", \"30s\", \"5m\" or \"7d\", got " + abbreviate(node));
        }
    }

    public Optional<ObjectNode> optionalObject(String name) {
        JsonNode node = object.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!(node instanceof ObjectNode o)) {
            throw bad(name, "must be a JSON object, got " + Json.describe(node));
        }
        return Optional.of(o);
    }

    public Optional<List<String>> optionalStrings(String name) {
        JsonNode node = object.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isArray()) {
            throw bad(name, "must be an array of strings, got " + Json.describe(node));
        }
        List<String> values = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw bad(name, "must be an array of strings; it holds " + abbreviate(element));
            }
            values.add(element.textValue());
        }
        return Optional.of(values);
    }

    /** The raw member, for shapes that take more than one form (a filter as an object or a string). */
    public Optional<JsonNode> optionalNode(String name) {
        JsonNode node = object.get(name);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node);
    }

    public ProblemException bad(String name, String problem) {
        return new ProblemException(Problem.badField(prefix + name, "'" + prefix + name + "' " + problem));
    }

    /** Runs a parse step and reports an {@link InvalidSpecException} from it as the member's fault. */
    public <T> T checked(String name, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (InvalidSpecException e) {
            throw new ProblemException(Problem.badField(prefix + name, "'" + prefix + name + "': " + e.getMessage()));
        }
    }

    static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
