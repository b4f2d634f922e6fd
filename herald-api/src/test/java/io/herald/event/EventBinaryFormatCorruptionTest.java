package io.herald.event;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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

    @Test
    void anUnknownFlagIsRefusedRatherThanIgnored() {
        byte[] bytes = header(1 << 7);
        assertThatThrownBy(() -> EventBinaryFormat.decode(bytes, 0, bytes.length))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("unknown flag bits 80");
    }
}
