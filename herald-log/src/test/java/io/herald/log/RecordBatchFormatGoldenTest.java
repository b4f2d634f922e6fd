package io.herald.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the on-disk layout of a record batch, magic 1: segments written by any earlier build must
 * still be read and recovered. If this test fails because the layout changed on purpose, do NOT
 * edit {@code golden/record-batch-v1.hex}: bump {@link RecordBatchFormat#MAGIC}, keep reading
 * magic 1, and add a new golden file next to the old one.
 */
class RecordBatchFormatGoldenTest {

    static final long BASE_OFFSET = 42;
    static final long APPEND_TIME = 1_773_500_966_535L; // 2026-03-14T15:09:26.535Z

    /** Three records: a short text, an empty value, and one of 200 bytes (a two-byte size varint). */
    static List<byte[]> goldenRecords() {
        byte[] large = new byte[200];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) i;
        }
        return List.of("order-1042".getBytes(StandardCharsets.UTF_8), new byte[0], large);
    }

    static byte[] goldenBatch() {
        List<byte[]> records = goldenRecords();
        byte[] bytes = new byte[RecordBatchFormat.HEADER_SIZE + 1000];
        int p = RecordBatchFormat.HEADER_SIZE;
        for (byte[] record : records) {
            p = RecordBatchFormat.putVarInt(bytes, p, record.length);
            System.arraycopy(record, 0, bytes, p, record.length);
            p += record.length;
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        RecordBatchFormat.writeHeader(buf, 0, p, BASE_OFFSET, records.size(), APPEND_TIME);
        return Arrays.copyOf(bytes, p);
    }

    @Test
    void theGoldenBatchIsWrittenByteForByteAsMagic1Prescribes() {
        assertThat(HexFormat.of().formatHex(goldenBatch()))
                .isEqualTo(HexFormat.of().formatHex(golden("record-batch-v1.hex")));
    }

    @Test
    void theGoldenBatchHeaderReadsBackThroughTheFormat() {
        ByteBuffer buf = ByteBuffer.wrap(golden("record-batch-v1.hex"));

        assertThat(RecordBatchFormat.totalSize(buf, 0)).isEqualTo(buf.capacity());
        assertThat(buf.get(RecordBatchFormat.MAGIC_OFFSET)).isEqualTo(RecordBatchFormat.MAGIC).isEqualTo((byte) 1);
        assertThat(buf.get(RecordBatchFormat.ATTRIBUTES_OFFSET)).isZero();
        assertThat(RecordBatchFormat.baseOffset(buf, 0)).isEqualTo(BASE_OFFSET);
        assertThat(RecordBatchFormat.recordCount(buf, 0)).isEqualTo(3);
        assertThat(RecordBatchFormat.appendTime(buf, 0)).isEqualTo(APPEND_TIME);
    }

    @Test
    void theGoldenRecordsFollowTheHeaderAsSizeAndValue() {
        byte[] batch = golden("record-batch-v1.hex");
        List<byte[]> records = new ArrayList<>();
        int p = RecordBatchFormat.HEADER_SIZE;
        while (p < batch.length) {
            int size = 0;
            int shift = 0;
            byte b;
            do {
                b = batch[p++];
                size |= (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0);
            records.add(Arrays.copyOfRange(batch, p, p + size));
            p += size;
        }

        assertThat(records).containsExactlyElementsOf(goldenRecords());
    }

    @Test
    void checkAcceptsTheGoldenBatch() {
        byte[] batch = golden("record-batch-v1.hex");

        RecordBatchFormat.Check check = RecordBatchFormat.check(ByteBuffer.wrap(batch), 0, batch.length, BASE_OFFSET);

        assertThat(check.valid()).as(check.problem()).isTrue();
        assertThat(check.size()).isEqualTo(batch.length);
    }

    @Test
    void checkAcceptsTheGoldenBatchWhenNoBaseOffsetIsExpected() {
        byte[] batch = golden("record-batch-v1.hex");

        assertThat(RecordBatchFormat.check(ByteBuffer.wrap(batch), 0, batch.length, -1).valid()).isTrue();
    }

    @Test
    void checkAcceptsTheGoldenBatchAtAnOffsetInALargerBuffer() {
        byte[] batch = golden("record-batch-v1.hex");
        ByteBuffer buf = ByteBuffer.allocate(batch.length + 20);
        buf.put(13, batch);

        RecordBatchFormat.Check check = RecordBatchFormat.check(buf, 13, batch.length + 7, BASE_OFFSET);

        assertThat(check.valid()).as(check.problem()).isTrue();
        assertThat(check.size()).isEqualTo(batch.length);
    }

    @Test
    void checkRefusesTheGoldenBatchAfterAnySingleByteIsChanged() {
        byte[] golden = golden("record-batch-v1.hex");

        for (int position = 0; position < golden.length; position++) {
            for (int mask : new int[] {0x01, 0x80, 0xFF}) {
                byte[] batch = golden.clone();
                batch[position] ^= (byte) mask;

                RecordBatchFormat.Check check = RecordBatchFormat.check(ByteBuffer.wrap(batch), 0, batch.length, BASE_OFFSET);

                assertThat(check.valid())
                        .as("byte %d xor 0x%02x should make the batch invalid", position, mask)
                        .isFalse();
                assertThat(check.problem()).isNotBlank();
                assertThat(check.size()).isEqualTo(-1);
            }
        }
    }

    @Test
    void checkReportsEveryTruncationOfTheGoldenBatchAsTorn() {
        byte[] batch = golden("record-batch-v1.hex");

        for (int available = 0; available < batch.length; available++) {
            RecordBatchFormat.Check check = RecordBatchFormat.check(ByteBuffer.wrap(batch), 0, available, BASE_OFFSET);

            assertThat(check.valid()).as("%d of %d bytes", available, batch.length).isFalse();
            assertThat(check.problem()).startsWith("torn batch: ");
        }
    }

    @Test
    void checkRefusesTheGoldenBatchWhereAnotherBaseOffsetIsExpected() {
        byte[] batch = golden("record-batch-v1.hex");

        RecordBatchFormat.Check check = RecordBatchFormat.check(ByteBuffer.wrap(batch), 0, batch.length, 43);

        assertThat(check.valid()).isFalse();
        assertThat(check.problem()).isEqualTo("base offset 42 where 43 was expected");
    }

    /** Hex text; whitespace and {@code #} comments are ignored. */
    static byte[] golden(String name) {
        try (InputStream in = RecordBatchFormatGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file /golden/%s on the test class path", name).isNotNull();
            StringBuilder hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int comment = line.indexOf('#');
                hex.append((comment < 0 ? line : line.substring(0, comment)).replaceAll("\\s", ""));
            }
            return HexFormat.of().parseHex(hex);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
