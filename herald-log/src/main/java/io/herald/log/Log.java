package io.herald.log;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One partition's append-only sequence of records, each at an offset one past the previous.
 * {@link SegmentedLog} keeps it on disk, {@link MemoryLog} in memory (ephemeral topics).
 *
 * <p>Threading: one owner thread (the partition's {@link LogWriter}) calls the mutating
 * methods ({@link #append}, {@link #applyRetention}, {@link #roll},
 * {@link #deleteBefore}, {@link #close}). One publishing thread (the owner, or the writer's
 * syncer when every batch is fsynced) calls {@link #sync} and {@link #publish}, concurrently with
 * appends. Any thread reads. Readers see records up to {@link #endOffset()}, which moves only on
 * {@link #publish}.
 */
public interface Log extends AutoCloseable {

    String name();

    /** The first offset still held. */
    long startOffset();

    /** One past the last record readers may see. */
    long endOffset();

    long sizeInBytes();

    /**
     * The damaged ranges known so far (found on open, or by a read that met one), each as the
     * error its reads fail with; none in a whole log.
     */
    default java.util.List<CorruptLogException> damage() {
        return java.util.List.of();
    }

    /**
     * Appends the records in {@code batch}, which holds {@link RecordBatchFormat#HEADER_SIZE}
     * free bytes followed by {@code recordCount} framed records from its position to its limit.
     * The log fills in the header. Returns the offset of the first record. Not visible to readers
     * until {@link #publish}.
     */
    long append(ByteBuffer batch, int recordCount) throws IOException;

    /**
     * Forces everything appended before the call to stable storage. Any thread; may run while
     * the owner appends (an fsync covers every write completed before it started).
     */
    void sync() throws IOException;

    /** Makes the records below {@code endOffset}, the end of an appended batch, visible to readers. Publishing thread. */
    void publish(long endOffset);

    /** Reads whole batches from the one holding {@code offset}, about {@code maxBytes} (at least one batch). */
    LogFetch read(long offset, int maxBytes) throws IOException;

    /**
     * Reads on from where {@code previous} ended, as {@code read(previous.nextOffset(), maxBytes)}
     * does; a log may use what the previous fetch learned to skip its index look-up.
     */
    default LogFetch readAfter(LogFetch previous, int maxBytes) throws IOException {
        return read(previous.nextOffset(), maxBytes);
    }

    /** The offset of the first record appended at or after {@code epochMillis}; {@link #endOffset()} if none. */
    long offsetForTime(long epochMillis) throws IOException;

    /** Deletes whole segments that retention no longer keeps; returns how many records went. */
    long applyRetention(long nowMillis) throws IOException;

    /** Starts a new segment at the end offset, sealing the current one. */
    void roll() throws IOException;

    /** Deletes the whole segments that lie entirely below {@code offset}. */
    void deleteBefore(long offset) throws IOException;

    /** Forces what is appended (unless the policy is never to), releases files (or memory); the data stays. */
    @Override
    void close() throws IOException;

    /** Closes and removes all data. */
    void delete() throws IOException;
}
