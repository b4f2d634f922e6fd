package io.herald.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Corrupt bytes fail as {@link MalformedEventException}, never as an index or date error. */
class EventBinaryFormatCorruptionTest {

    private static byte[] header(int flags) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(EventBinaryFormat.VERSION);
        out.write(flags);
        writeString(out, "id");
        writeString(out, "/s");
        writeString(out, "t");
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length);
        out.writeBytes(b);
    }

    private static byte[] concat(byte[] a, byte... b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aNegativeLengthIsMalformed() {
        byte[] negative = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
        byte[] bytes = concat(header(1 << 6), negative);
        assertThatThrownBy(() -> EventBinaryFormat.decode(bytes, 0, bytes.length))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("length");
    }

    @Test
    void aTimeOutsideTheInstantRangeIsMalformed() {
        byte[] nanosTooLarge = concat(header(1 << 1), (byte) 0, (byte) 0x80, (byte) 0x94, (byte) 0xeb, (byte) 0xdc, (byte) 0x03);
        assertThatThrownBy(() -> EventBinaryFormat.decode(nanosTooLarge, 0, nanosTooLarge.length))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("not a valid instant");
        byte[] secondsTooLarge = concat(header(1 << 1), (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x01, (byte) 0);
        assertThatThrownBy(() -> EventBinaryFormat.decode(secondsTooLarge, 0, secondsTooLarge.length))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("not a valid instant");
    }

    /** Version, flags with bit 7, the extended flags, then the id, source and type of {@link #header}. */
    private static byte[] extendedHeader(int flags, int extendedFlags) {
        byte[] plain = header(flags);
        byte[] out = new byte[plain.length + 1];
        out[0] = plain[0];
        out[1] = (byte) (flags | 0x80);
        out[2] = (byte) extendedFlags;
        System.arraycopy(plain, 2, out, 3, plain.length - 2);
        return out;
    }

    private static void assertMalformed(byte[] bytes, String problem) {
        assertThatThrownBy(() -> EventBinaryFormat.decode(bytes, 0, bytes.length))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining(problem);
    }

    @Test
    void anUnknownExtendedFlagIsRefusedRatherThanIgnored() {
        assertMalformed(extendedHeader(0, 1 << 7), "unknown extended flag bits 80");
        assertMalformed(extendedHeader(0, 0b0111_1100), "unknown extended flag bits 7c");
    }

    @Test
    void flagBit7WithEmptyExtendedFlagsIsRefused() {
        // the same event has one encoding: without anything extended, bit 7 stays clear
        assertMalformed(extendedHeader(0, 0), "flag bit 7 is set but the extended flags are empty");
    }

    @Test
    void aTimeOffsetWithoutATimeIsRefused() {
        assertMalformed(extendedHeader(0, 1 << 1), "the extended flags give a time offset but the event has no time");
    }

    /** An event with extension types: count, then per extension its name, type code and value. */
    private static byte[] typedExtensions(Object... nameCodeValue) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(extendedHeader(1 << 5, 1));
        out.write(nameCodeValue.length / 3);
        for (int i = 0; i < nameCodeValue.length; i += 3) {
            writeString(out, (String) nameCodeValue[i]);
            out.write((Integer) nameCodeValue[i + 1]);
            writeString(out, (String) nameCodeValue[i + 2]);
        }
        return out.toByteArray();
    }

    @Test
    void typedExtensionsAsAWriterWritesThemDecode() {
        byte[] bytes = typedExtensions("region", 0, "eu", "priority", 1, "7");

        Event event = EventBinaryFormat.decode(bytes, 0, bytes.length);

        assertThat(event.extensionValue("priority")).contains(7);
        assertThat(event.extensionType("region")).isEqualTo(ExtensionType.STRING);
    }

    @Test
    void anUnknownExtensionTypeCodeIsRefusedNamingTheExtension() {
        assertMalformed(typedExtensions("priority", 7, "7"), "extension 'priority' has the unknown type code 7");
        assertMalformed(typedExtensions("priority", 0xff, "7"), "extension 'priority' has the unknown type code 255");
    }

    @Test
    void aValueThatIsNotOfItsTypeIsRefusedNamingTheExtension() {
        assertMalformed(typedExtensions("priority", 1, "abc"), "extension 'priority' is typed integer but 'abc' is not a 32-bit integer");
        assertMalformed(typedExtensions("urgent", 2, "yes"), "extension 'urgent' is typed boolean but 'yes' is not 'true' or 'false'");
        assertMalformed(typedExtensions("home", 3, "no/scheme"), "extension 'home' is typed uri");
        assertMalformed(typedExtensions("path", 4, "a b"), "extension 'path' is typed uri-reference");
        assertMalformed(typedExtensions("due", 5, "soon"), "extension 'due' is typed timestamp");
        assertMalformed(typedExtensions("sig", 6, "AR=="), "extension 'sig' is typed binary");
    }

    @Test
    void extensionTypesThatAreAllStringsAreRefused() {
        // a writer gives types only when one is not a string: the same event has one encoding
        assertMalformed(typedExtensions("region", 0, "eu"), "the extended flags give extension types but every extension is a string");
    }

    @Test
    void extensionTypesWithoutExtensionsAreRefused() {
        assertMalformed(extendedHeader(0, 1), "the extended flags give extension types but the event has no extensions");
    }

    /** A time of {@code second} + 0 ns at {@code offsetSeconds}, after an extended header. */
    private static byte[] timeAt(long second, long offsetSeconds) {
        return concat(concat(concat(extendedHeader(1 << 1, 1 << 1), zigZagVarint(second)), (byte) 0), zigZagVarint(offsetSeconds));
    }

    private static byte[] zigZagVarint(long v) {
        long z = (v << 1) ^ (v >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
        return out.toByteArray();
    }

    @Test
    void aTimeOffsetOfZeroOrBeyondEighteenHoursIsRefused() {
        assertMalformed(timeAt(0, 0), "time offset 0s is not a non-UTC offset within ±18 h");
        assertMalformed(timeAt(0, 18 * 3600 + 1), "time offset 64801s");
        assertMalformed(timeAt(0, -18 * 3600 - 1), "time offset -64801s");
        assertMalformed(timeAt(0, Long.MIN_VALUE), "time offset " + Long.MIN_VALUE + "s");
    }

    @Test
    void anOffsetAtEighteenHoursIsAccepted() {
        byte[] bytes = timeAt(0, -18 * 3600);

        assertThat(EventBinaryFormat.decode(bytes, 0, bytes.length).timeWithOffset().orElseThrow().getOffset())
                .isEqualTo(ZoneOffset.ofHours(-18));
    }

    @Test
    void aTimeThatNoOffsetDateTimeHoldsAtItsOffsetIsRefused() {
        // Instant.MAX exists, but not as an OffsetDateTime, least of all one hour later
        assertMalformed(timeAt(Instant.MAX.getEpochSecond(), 3600), "is beyond the years an OffsetDateTime holds");
        assertMalformed(timeAt(LocalDateTime.MAX.toEpochSecond(ZoneOffset.UTC), 1), "is beyond the years an OffsetDateTime holds");
        assertMalformed(timeAt(LocalDateTime.MIN.toEpochSecond(ZoneOffset.UTC), -1), "is beyond the years an OffsetDateTime holds");
    }

    /**
     * A changed byte is refused as {@link MalformedEventException} or decodes to an event that
     * works: every accessor answers and it encodes and decodes again to itself. (The decoder does
     * not run the builder's validation: the log's CRC catches corrupt records before they get
     * here. What this guards is that no change makes the decoder throw anything else, or hand out
     * an event that throws later.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"event-v1.hex", "event-v1-string-id.hex", "event-v1-time-offset.hex", "event-v1-extension-types.hex"})
    void everySingleByteChangeIsRefusedOrDecodesToAWorkingEvent(String golden) {
        byte[] original = EventBinaryFormatTest.golden(golden);
        int refused = 0;
        for (int position = 0; position < original.length; position++) {
            for (int mask : new int[] {0x01, 0x02, 0x40, 0x80, 0xFF}) {
                byte[] bytes = original.clone();
                bytes[position] ^= (byte) mask;
                Event decoded;
                try {
                    decoded = EventBinaryFormat.decode(bytes, 0, bytes.length);
                } catch (MalformedEventException e) {
                    refused++;
                    continue;
                }
                assertWorks(decoded, "byte %d xor 0x%02x".formatted(position, mask));
            }
        }
        assertThat(refused).as("changes refused").isPositive();
    }

    static void assertWorks(Event event, String description) {
        assertThat(event.toString()).as(description).isNotEmpty();
        event.hashCode();
        event.time();
        event.timeWithOffset();
        event.timeOffset();
        event.dataAsString();
        event.extensions().forEach((name, value) -> {
            assertThat(event.extension(name)).as(description).contains(value);
            assertThat(event.extensionValue(name)).as(description).isPresent();
        });
        byte[] again = EventBinaryFormat.encode(event);
        assertThat(EventBinaryFormat.decode(again, 0, again.length)).as(description).isEqualTo(event);
    }
}
