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

    private static String decode(String headerValue) {
        return CloudEventsHttp.percentDecode("ce-subject", CloudEventsHttp.unquote("ce-subject", headerValue));
    }
}
