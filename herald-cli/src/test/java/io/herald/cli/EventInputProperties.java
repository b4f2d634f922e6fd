package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.error.HeraldException;
import io.herald.event.Event;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever a user feeds {@code publish}: it is refused with a reason, or published exactly as given, never changed. */
class EventInputProperties {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Provide
    Arbitrary<byte[]> inputs() {
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<byte[]> jsonish = Arbitraries.of("{\"total\": 42}", "{\"total\": 4", "[1, 2]", "\"text\"", "42", "null", "{}",
                        "{\"specversion\": \"1.0\"}", "{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"/s\",\"type\":\"t\"}",
                        "{\"a\": 1} extra", "héllo", "")
                .flatMap(s -> Arbitraries.integers().between(0, s.length()).map(cut -> s.substring(0, cut)))
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(bytes, jsonish);
    }

    @Property(tries = 1000)
    void withoutAContentTypeOnlyJsonIsTakenAndItsBytesAreKept(@ForAll("inputs") byte[] input) {
        EventInput events = new EventInput("t", "/s", null, null, null);
        Event event;
        try {
            event = events.toEvent(input);
        } catch (HeraldException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertThat(isJson(input)).as("only JSON is taken").isTrue();
        if (!new String(input, StandardCharsets.UTF_8).contains("specversion")) {
            assertThat(event.data()).as("JSON data byte for byte").isEqualTo(input);
            assertThat(event.dataContentType()).contains(Event.APPLICATION_JSON);
        }
    }

    @Property(tries = 1000)
    void withAContentTypeTheDataIsTheInputByteForByte(@ForAll("inputs") byte[] input) {
        Event event = new EventInput("t", "/s", "k", null, "application/octet-stream").toEvent(input);
        assertThat(event.data()).isEqualTo(input);
        assertThat(event.dataContentType()).contains("application/octet-stream");
        assertThat(event.partitionKey()).contains("k");
    }

    private static boolean isJson(byte[] input) {
        try {
            return JSON.readTree(input) != null && !JSON.readTree(input).isMissingNode();
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
