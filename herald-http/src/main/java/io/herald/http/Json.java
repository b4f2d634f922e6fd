package io.herald.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * The server's one JSON mapper, and request bodies read into trees with errors a client can act
 * on. Nesting is capped, so a hostile body of a million brackets is a 400, not a stack overflow.
 * Thread-safe.
 */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
        // buffers pooled across threads: the default keeps them per thread, and the server's
        // requests run on virtual threads that live once, so each would allocate its own
        MAPPER.getFactory().setRecyclerPool(JsonRecyclerPools.sharedConcurrentDequePool());
    }

    private Json() {
    }

    /** The body as a JSON object; a 400 naming the problem otherwise. */
    public static ObjectNode object(byte[] body) {
        JsonNode tree = tree(body);
        if (!(tree instanceof ObjectNode object)) {
            throw new ProblemException(Problem.badRequest("malformed-json",
                    "the request body must be a JSON object, got " + describe(tree)));
        }
        return object;
    }

    /** The body as any JSON value; a 400 naming the problem otherwise. */
    public static JsonNode tree(byte[] body) {
        if (body.length == 0) {
            throw new ProblemException(Problem.badRequest("malformed-json", "the request body is empty; a JSON document was expected"));
        }
        try {
            JsonNode tree = MAPPER.readTree(body);
            if (tree == null || tree.isMissingNode()) {
                throw new ProblemException(Problem.badRequest("malformed-json", "the request body holds no JSON value"));
            }
            return tree;
        } catch (IOException e) {
            throw new ProblemException(Problem.badRequest("malformed-json", "the request body is not valid JSON: " + firstLine(e)));
        }
    }

    /**
     * A JSON document as a tree in which the object or array value of every member named one of
     * {@code members} is kept as its raw text ({@link #raw(JsonNode)} gives it back; writing the
     * tree writes it verbatim). A tree re-writes JSON compactly, but some values are the text a
     * user wrote: a subscription's filter pattern, an event's JSON data (its bytes are the
     * event). Reading answers this way, a client gets them back byte for byte.
     */
    public static JsonNode treeKeepingRaw(byte[] body, Set<String> members) {
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        try (JsonParser p = MAPPER.createParser(text)) {
            if (p.nextToken() == null) {
                throw new IOException("no JSON value");
            }
            JsonNode tree = keepingRaw(p, text, members);
            if (p.nextToken() != null) {
                throw new IOException("trailing tokens after the JSON value");
            }
            return tree;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON document: " + firstLine(e), e);
        }
    }

    /** The raw text of a value kept by {@link #treeKeepingRaw}; empty for any other node. */
    public static Optional<String> raw(JsonNode node) {
        return node instanceof POJONode pojo && pojo.getPojo() instanceof RawValue value
                ? Optional.of(value.rawValue().toString()) : Optional.empty();
    }

    private static JsonNode keepingRaw(JsonParser p, String text, Set<String> members) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode o = MAPPER.createObjectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if (members.contains(name) && (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY)) {
                        int start = (int) p.currentTokenLocation().getCharOffset();
                        p.skipChildren();
                        int end = (int) p.currentLocation().getCharOffset();
                        o.putRawValue(name, new RawValue(text.substring(start, end)));
                    } else {
                        o.set(name, keepingRaw(p, text, members));
                    }
                }
                yield o;
            }
            case START_ARRAY -> {
                ArrayNode a = MAPPER.createArrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(keepingRaw(p, text, members));
                }
                yield a;
            }
            case VALUE_STRING -> MAPPER.getNodeFactory().textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> MAPPER.getNodeFactory().numberNode(p.getIntValue());
                case LONG -> MAPPER.getNodeFactory().numberNode(p.getLongValue());
                default -> MAPPER.getNodeFactory().numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> MAPPER.getNodeFactory().numberNode(p.getDoubleValue());
            case VALUE_TRUE -> MAPPER.getNodeFactory().booleanNode(true);
            case VALUE_FALSE -> MAPPER.getNodeFactory().booleanNode(false);
            case VALUE_NULL -> MAPPER.getNodeFactory().nullNode();
            default -> throw new IOException("unexpected " + p.currentToken());
        };
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static String describe(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    /** Jackson puts the location on later lines; the first names the problem. */
    static String firstLine(Exception e) {
        String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
