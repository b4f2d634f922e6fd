package io.herald.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The strings a decoder meets again and again (sources, types, content types, schemas, extension
 * names): a few hundred distinct values across millions of events. Decoding gives back the one
 * {@code String} already made for the same bytes, so the hot path neither allocates it nor hashes
 * it again when it is looked up (its hash is cached in it). A slot holds the last string whose
 * bytes hashed to it; a miss just makes a new string, so more distinct values than slots cost a
 * copy, never a wrong answer.
 *
 * <p>Thread-safe without locks: a slot holds an immutable pair, published through its final
 * fields; a race between two writers of one slot loses one of them, which is only a miss later.
 */
final class RepeatedStrings {

    private static final int SLOTS = 512;
    /** Longer values are rarely repeated names; they are decoded as they come. */
    private static final int MAX_BYTES = 96;

    private static final Slot[] TABLE = new Slot[SLOTS];

    private record Slot(byte[] bytes, String string) {
    }

    private RepeatedStrings() {
    }

    /** The UTF-8 string of {@code length} bytes at {@code offset}, the same instance as before for the same bytes. */
    static String decode(byte[] src, int offset, int length) {
        if (length > MAX_BYTES) {
            return new String(src, offset, length, StandardCharsets.UTF_8);
        }
        int hash = 1;
        for (int i = offset, end = offset + length; i < end; i++) {
            hash = 31 * hash + src[i];
        }
        int index = (hash ^ (hash >>> 9)) & (SLOTS - 1);
        Slot slot = TABLE[index];
        if (slot != null && Arrays.equals(slot.bytes, 0, slot.bytes.length, src, offset, offset + length)) {
            return slot.string;
        }
        String s = new String(src, offset, length, StandardCharsets.UTF_8);
        TABLE[index] = new Slot(Arrays.copyOfRange(src, offset, offset + length), s);
        return s;
    }
}
