package io.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.event.MalformedEventException;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The percent-encoding of header values (binding 1.0.2, section 3.1.3.2) over arbitrary strings:
 * every one reads back, the encoded form is a plain header value, and malformed escapes are
 * taken or refused as the binding says.
 */
class CloudEventsHttpProperties {

    @Property(tries = 3000)
    void everyStringReadsBackAfterEncoding(@ForAll("strings") String value) {
        assertThat(CloudEventsHttp.percentDecode("ce-x", CloudEventsHttp.percentEncode(value))).isEqualTo(value);
    }

    @Property(tries = 3000)
    void theEncodedFormIsPrintableAsciiWithoutSpaceOrQuote(@ForAll("strings") String value) {
        String encoded = CloudEventsHttp.percentEncode(value);
        assertThat(encoded.chars()).allMatch(c -> c > 0x20 && c < 0x7F && c != '"');
        // every % starts an escape of two upper-case hex digits
        for (int i = encoded.indexOf('%'); i >= 0; i = encoded.indexOf('%', i + 1)) {
            assertThat(encoded.substring(i + 1, i + 3)).matches("[0-9A-F]{2}");
        }
        // nothing to unquote: the receiver's first step leaves it alone
        assertThat(CloudEventsHttp.unquote("ce-x", encoded)).isEqualTo(encoded);
    }

    @Property
    void printableAsciiOtherThanSpaceQuoteAndPercentIsLeftAlone(@ForAll("plain") String value) {
        assertThat(CloudEventsHttp.percentEncode(value)).isSameAs(value);
        assertThat(CloudEventsHttp.percentDecode("ce-x", value)).isEqualTo(value);
    }

    @Provide
    Arbitrary<String> strings() {
        // code points of every plane, with space, '"' and '%' often; no lone surrogates, which no
        // CloudEvents string holds and UTF-8 cannot carry
        return EventJsonProperties.text(0, 30)
                .injectDuplicates(0.05)
                .edgeCases(config -> config.add("%").add("%25").add("\"").add(" ").add("\uD83D\uDE00"));
    }

    @Provide
    Arbitrary<String> plain() {
        return net.jqwik.api.Arbitraries.strings().withCharRange('!', '~').excludeChars('"', '%').ofMaxLength(30);
    }

    @Example
    void aPercentThatStartsNoEscapeIsTakenAsItIs() {
        assertThat(decode("100%")).isEqualTo("100%");
        assertThat(decode("%")).isEqualTo("%");
        assertThat(decode("%4")).isEqualTo("%4");
        assertThat(decode("%G1x")).isEqualTo("%G1x");
        assertThat(decode("%%41")).isEqualTo("%A");
        assertThat(decode("a%2")).isEqualTo("a%2");
    }

    @Example
    void escapesAreDecodedOnceInEitherCase() {
        assertThat(decode("%c3%A9")).isEqualTo("é");
        assertThat(decode("%2541")).as("one round only").isEqualTo("%41");
        assertThat(decode("%41%42c")).as("an unnecessary escape is taken").isEqualTo("ABc");
        assertThat(decode("Euro%20%E2%82%AC%20%F0%9F%98%80")).isEqualTo("Euro € \uD83D\uDE00");
    }

    @Example
    void escapesThatAreNoUtf8AreRefusedNamingTheHeader() {
        // a cut sequence, the binding's own overlong example, an encoded surrogate, past U+10FFFF, a lone continuation byte
        for (String bad : new String[] {"%C3", "a%C3b", "%C0%A0", "%ED%A0%80", "%F4%90%80%80", "%80", "%FF"}) {
            assertThatThrownBy(() -> decode(bad)).as(bad).isInstanceOf(MalformedEventException.class).hasMessageContaining("ce-x");
        }
    }

    private static String decode(String value) {
        return CloudEventsHttp.percentDecode("ce-x", value);
    }
}
