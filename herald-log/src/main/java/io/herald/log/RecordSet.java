package io.herald.log;

import java.util.Arrays;

/**
 * Records framed for a batch ({@code varint size, value} each), built by the publishing thread so
 * that the partition's writer only copies bytes. Immutable once built.
 */
public final class RecordSet {

    private final byte[] bytes;
    private final int size;
    private final int count;

    private RecordSet(byte[] bytes, int size, int count) {
        this.bytes = bytes;
        this.size = size;
        this.count = count;
    }

    public static RecordSet of(byte[]... values) {
        Builder b = builder(64);
        for (byte[] v : values) {
            b.add(v);
        }
        return b.build();
    }

    public static Builder builder(int expectedBytes) {
        return new Builder(expectedBytes);
    }

    /** The framed bytes: {@code [0, sizeInBytes())} of the array. Do not modify. */
    byte[] bytes() {
        return bytes;
    }

    public int sizeInBytes() {
        return size;
    }

    public int count() {
        return count;
    }

    /** Grows as needed; not thread-safe. */
    public static final class Builder {
        private byte[] buf;
        private int position;
        private int count;

        private Builder(int expectedBytes) {
            buf = new byte[Math.max(16, expectedBytes)];
        }

        public Builder add(byte[] value) {
            return add(value, 0, value.length);
        }

        public Builder add(byte[] value, int offset, int length) {
            ensure(RecordBatchFormat.varIntSize(length) + length);
            position = RecordBatchFormat.putVarInt(buf, position, length);
            System.arraycopy(value, offset, buf, position, length);
            position += length;
            count++;
            return this;
        }

        public int count() {
            return count;
        }

        public int sizeInBytes() {
            return position;
        }

        public RecordSet build() {
            return new RecordSet(buf, position, count);
        }

        private void ensure(int more) {
            if (buf.length - position < more) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, position + more));
            }
        }
    }
}
