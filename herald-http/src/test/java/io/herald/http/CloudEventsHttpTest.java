package io.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.event.MalformedEventException;
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

    private static String decode(String headerValue) {
        return CloudEventsHttp.percentDecode("ce-subject", CloudEventsHttp.unquote("ce-subject", headerValue));
    }
}
