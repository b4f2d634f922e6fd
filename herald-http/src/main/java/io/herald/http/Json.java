package io.herald.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

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
