package io.herald.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RepeatedStringsTest {

    /** Any bytes, valid UTF-8 or not, at any offset: the string a fresh decode would give, however the slots collide. */
    @Property(tries = 2000)
    void decodesAsAFreshStringWould(@ForAll @Size(max = 120) byte[] bytes, @ForAll @Size(max = 3) byte[] before) {
        byte[] buffer = new byte[before.length + bytes.length + 1];
        System.arraycopy(before, 0, buffer, 0, before.length);
        System.arraycopy(bytes, 0, buffer, before.length, bytes.length);
        String expected = new String(bytes, StandardCharsets.UTF_8);
        assertThat(RepeatedStrings.decode(buffer, before.length, bytes.length)).isEqualTo(expected);
        assertThat(RepeatedStrings.decode(buffer, before.length, bytes.length)).as("again, from its slot").isEqualTo(expected);
    }

    @Test
    void theSameBytesGiveTheSameInstanceAndAPrefixDoesNot() {
        byte[] type = "com.example.order.placed".getBytes(StandardCharsets.UTF_8);
        String first = RepeatedStrings.decode(type, 0, type.length);
        assertThat(RepeatedStrings.decode(type.clone(), 0, type.length)).isSameAs(first);
        assertThat(RepeatedStrings.decode(type, 0, type.length - 1)).isEqualTo("com.example.order.place");
    }

    @Test
    void thousandsOfDistinctValuesAreEachDecodedRight() {
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 5000; i++) {
                byte[] b = ("key-" + i).getBytes(StandardCharsets.UTF_8);
                assertThat(RepeatedStrings.decode(b, 0, b.length)).isEqualTo("key-" + i);
            }
        }
    }
}
