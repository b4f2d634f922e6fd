package io.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.event.InvalidEventException;
import io.herald.event.MalformedEventException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The header value codec of the CloudEvents HTTP binding (1.0.2, section 3.1.3.2). */
class CloudEventsHttpTest {

    @Test
    void quotedStringsAreUnescapedBeforePercentDecoding() {
        assertThat(decode("\"hello world\"")).isEqualTo("hello world");
        assertThat(decode("\"say \\\"hi\\\"\"")).isEqualTo("say \"hi\"");
        assertThat(decode("\"back\\\\slash\"")).isEqualTo("back\\slash");
        assertThat(decode("a \"b c\" d")).isEqualTo("a b c d");
        // one round of percent-decoding comes after the unquoting
        assertThat(decode("\"%41 %22\"")).isEqualTo("A \"");
        assertThat(decode("plain")).isEqualTo("plain");
    }

    @Test
    void anUnterminatedQuotedStringIsRefusedNamingTheHeader() {
        assertThatThrownBy(() -> decode("\"open")).isInstanceOf(MalformedEventException.class).hasMessageContaining("ce-subject");
        assertThatThrownBy(() -> decode("\"ends in a backslash\\\"")).isInstanceOf(MalformedEventException.class);
    }

    @Test
    void encodingFollowsTheBindingsExample() {
        // binding 1.0.2, section 3.1.3.2: "Euro € 😀"
        assertThat(CloudEventsHttp.percentEncode("Euro \u20AC \uD83D\uDE00")).isEqualTo("Euro%20%E2%82%AC%20%F0%9F%98%80");
        assertThat(CloudEventsHttp.percentEncode("say \"100%\"")).isEqualTo("say%20%22100%25%22");
        assertThat(CloudEventsHttp.percentEncode("/orders/7?x=y&z=[1]")).isEqualTo("/orders/7?x=y&z=[1]");
        assertThat(CloudEventsHttp.percentEncode("tab\there\u007F")).isEqualTo("tab%09here%7F");
    }

    @Test
    void anEventTheSdkRefusesNamesTheAttributeAtFault() {
        assertAttributeAtFault(structured("{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"/s\"}"), "type");
        assertAttributeAtFault(structured("{\"specversion\": \"1.0\", \"id\": null, \"source\": \"/s\", \"type\": \"t\"}"), "id");
        assertAttributeAtFault(structured("{\"specversion\": \"1.0\", \"id\": 7, \"source\": \"/s\", \"type\": \"t\"}"), "id");
        assertAttributeAtFault(structured("{\"specversion\": \"2.0\", \"id\": \"1\", \"source\": \"/s\", \"type\": \"t\"}"),
                "specversion");
        assertAttributeAtFault(structured("{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"a b\", \"type\": \"t\"}"),
                "source");
        assertAttributeAtFault(structured("{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"/s\", \"type\": \"t\", "
                + "\"time\": \"yesterday\"}"), "time");
        assertAttributeAtFault(() -> CloudEventsHttp.decode(CloudEventsHttp.Mode.BINARY, Map.of("ce-specversion", "1.0",
                "ce-id", "1", "ce-type", "t"), new byte[0], 10), "source");
        assertAttributeAtFault(() -> CloudEventsHttp.decode(CloudEventsHttp.Mode.BINARY, Map.of("ce-specversion", "1.0",
                "ce-id", "1", "ce-source", "a%20b", "ce-type", "t"), new byte[0], 10), "source");
        assertAttributeAtFault(() -> CloudEventsHttp.decode(CloudEventsHttp.Mode.BINARY, Map.of("ce-specversion", "1.0",
                "ce-id", "1", "ce-source", "/s", "ce-type", "t", "ce-time", "10:00"), new byte[0], 10), "time");
        assertThatThrownBy(() -> CloudEventsHttp.decode(CloudEventsHttp.Mode.BATCH, Map.of(), ("[{\"specversion\": \"1.0\", "
                + "\"id\": \"1\", \"source\": \"/s\", \"type\": \"t\"}, {\"specversion\": \"1.0\", \"source\": \"/s\", "
                + "\"type\": \"t\"}]").getBytes(StandardCharsets.UTF_8), 10))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().extensions()).containsEntry("attribute", "id").containsEntry("index", 1);
                    assertThat(e.problem().slug()).isEqualTo("invalid-event");
                });
    }

    @Test
    void whatIsNoEventAtAllStaysMalformed() {
        assertThatThrownBy(structured("{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"/s\", \"type\": \"t\", "
                + "\"data\": 1, \"data_base64\": \"AA==\"}")).isInstanceOf(MalformedEventException.class);
        assertThatThrownBy(structured("not json")).isInstanceOf(MalformedEventException.class);
        assertThatThrownBy(structured("[1]")).isInstanceOf(MalformedEventException.class);
    }

    private static ThrowingCallable structured(String json) {
        return () -> CloudEventsHttp.decode(CloudEventsHttp.Mode.STRUCTURED, Map.of(), json.getBytes(StandardCharsets.UTF_8), 10);
    }

    private static void assertAttributeAtFault(ThrowingCallable decode, String attribute) {
        assertThatThrownBy(decode).isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.attribute()).isEqualTo(attribute));
    }

    private static String decode(String headerValue) {
        return CloudEventsHttp.percentDecode("ce-subject", CloudEventsHttp.unquote("ce-subject", headerValue));
    }
}
