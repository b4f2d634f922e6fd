package io.herald.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One file of a partition's log, named by the zero-padded offset of its first record
 * ({@code 00000000000000000000.log}), and its {@link SegmentIndex}.
 *
 * <p>Threading: the partition's writer thread appends, flushes, truncates, seals and deletes;
 * any thread reads. Readers see only bytes below {@link #visibleSize()}, which the writer raises
 * once a batch is as durable as the topic asks. Reads use positional I/O on a channel that is
 * reopened if another thread's interrupt closed it (a {@link FileChannel} closes itself when a
 * thread blocked in it is interrupted; one consumer's interrupt must not break the others).
 */
final class LogSegment {

    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";

    private final Path logFile;
    private final Path indexFile;
    private final long baseOffset;
    private final SegmentIndex index;
    private final Object channelLock = new Object();
    private volatile FileChannel channel;
    private volatile boolean deleted;

    private int size;
    private volatile int visibleSize;
    private volatile long nextOffset;
    private volatile long lastAppendTime;
    /** Damaged ranges recovery found and kept, in offset order. */
    private final java.util.List<Damage> damage = new java.util.ArrayList<>();

    /**
     * Offsets {@code [firstOffset, resumeOffset)} of this segment that recovery found damaged at
     * byte {@code position} ({@code resumeOffset} -1: up to where the next segment begins).
     */
    record Damage(int position, long firstOffset, long resumeOffset, String problem) {
    }

    private LogSegment(Path dir, long baseOffset, SegmentIndex index, FileChannel channel) {
        this.logFile = dir.resolve(fileName(baseOffset, LOG_SUFFIX));
        this.indexFile = dir.resolve(fileName(baseOffset, INDEX_SUFFIX));
        this.baseOffset = baseOffset;
        this.index = index;
        this.channel = channel;
        this.nextOffset = baseOffset;
        this.lastAppendTime = Long.MIN_VALUE;
    }

    static String fileName(long baseOffset, String suffix) {
        return String.format("%020d%s", baseOffset, suffix);
    }

    static long baseOffsetOf(Path logFile) {
        String name = logFile.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - LOG_SUFFIX.length()));
    }

    /** A new, empty segment. */
    static LogSegment create(Path dir, long baseOffset, int indexIntervalBytes) throws IOException {
        Path file = dir.resolve(fileName(baseOffset, LOG_SUFFIX));
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new LogSegment(dir, baseOffset, new SegmentIndex(baseOffset, indexIntervalBytes), ch);
    }

    /**
     * An existing segment. A sealed one is trusted if its index file matches its log file; the
     * last one, or one without a matching index, is scanned ({@link SegmentRecovery}): damage is kept as a damaged
     * range, and only the last segment's torn tail is cut.
     */
    static LogSegment open(Path logFile, boolean last, int indexIntervalBytes, RecoveryListener listener) throws IOException {
        Path dir = logFile.getParent();
        long base = baseOffsetOf(logFile);
        FileChannel ch = FileChannel.open(logFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long fileSize = ch.size();
        if (fileSize > Integer.MAX_VALUE) {
            ch.close();
            throw new CorruptLogException(logFile + " is " + fileSize + " bytes, larger than a segment can be");
        }
        if (!last) {
            var loaded = SegmentIndex.load(dir.resolve(fileName(base, INDEX_SUFFIX)), base, indexIntervalBytes, fileSize);
            if (loaded.isPresent()) {
                LogSegment segment = new LogSegment(dir, base, loaded.get().index(), ch);
                segment.size = (int) fileSize;
                segment.visibleSize = (int) fileSize;
                segment.nextOffset = loaded.get().nextOffset();
                segment.lastAppendTime = loaded.get().lastAppendTime();
                return segment;
            }
        }
        LogSegment segment = new LogSegment(dir, base, new SegmentIndex(base, indexIntervalBytes), ch);
        segment.size = (int) fileSize;
        SegmentRecovery.recover(segment, last, listener);
        if (!last && segment.damage.isEmpty()) {
            // rebuilt: write the index so the next open trusts it (a damaged one is scanned again)
            segment.seal();
        }
        return segment;
    }

    long baseOffset() {
        return baseOffset;
    }

    /** One past the last record written to this segment. */
    long nextOffset() {
        return nextOffset;
    }

    long lastAppendTime() {
        return lastAppendTime;
    }

    int size() {
        return size;
    }

    int visibleSize() {
        return visibleSize;
    }

    boolean isEmpty() {
        return nextOffset == baseOffset;
    }

    Path logFile() {
        return logFile;
    }

    SegmentIndex index() {
        return index;
    }

    /** Writes a whole batch at the end of the file. Writer thread only. */
    void append(ByteBuffer batch, long batchBaseOffset, int recordCount, long appendTime) throws IOException {
        int position = size;
        int length = batch.remaining();
        long at = position;
        while (batch.hasRemaining()) {
            try {
                at += channel().write(batch, at);
            } catch (ClosedChannelException e) {
                survive(e);
            }
        }
        index.onBatch(batchBaseOffset, position, appendTime, length);
        size = position + length;
        nextOffset = batchBaseOffset + recordCount;
        lastAppendTime = appendTime;
    }

    /** Lets readers see the bytes below {@code position}, a batch boundary. */
    void publishTo(int position) {
        visibleSize = position;
    }

    void flush() throws IOException {
        while (true) {
            try {
                channel().force(false);
                return;
            } catch (ClosedChannelException e) {
                survive(e);
            }
        }
    }

    /** Cuts the file at {@code position} (a batch boundary) and forgets what was after it. Writer thread only. */
    void truncateTo(int position, long newNextOffset, long newLastAppendTime) throws IOException {
        channel().truncate(position);
        channel().force(true);
        index.truncateTo(position);
        size = position;
        visibleSize = Math.min(visibleSize, position);
        nextOffset = newNextOffset;
        lastAppendTime = newLastAppendTime;
    }

    /** When the file was last written, by the file system's clock (0 if it cannot say). */
    long lastModifiedMillis() {
        try {
            return java.nio.file.Files.getLastModifiedTime(logFile).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Recovery found damage and kept it: its reads fail, the whole batches around it are served. */
    void damaged(Damage found) {
        damage.add(found);
    }

    /** The damage recovery found and kept, in offset order. */
    java.util.List<Damage> damage() {
        return damage;
    }

    /** Marks recovery's result: what was scanned is valid and visible. */
    void recovered(int validSize, long recoveredNextOffset, long recoveredLastAppendTime) {
        size = validSize;
        visibleSize = validSize;
        nextOffset = recoveredNextOffset;
        lastAppendTime = recoveredLastAppendTime;
    }

    /**
     * Writes the index file: after this the segment is never written again (its visibility
     * still moves). Forcing its data is the log's {@code sync}, off the writer's path.
     */
    void seal() throws IOException {
        if (!damage.isEmpty()) {
            return; // no index that matches: every open scans it again and finds its damage
        }
        index.writeTo(indexFile, size, nextOffset, lastAppendTime);
    }

    /**
     * Reads up to {@code maxBytes} from {@code position}, never past {@code limit}. Returns a heap
     * buffer positioned at 0 with the bytes read.
     */
    ByteBuffer read(int position, int maxBytes, int limit) throws IOException {
        int length = Math.max(0, Math.min(maxBytes, limit - position));
        ByteBuffer buf = ByteBuffer.allocate(length);
        readFully(buf, position);
        buf.flip();
        return buf;
    }

    /** Fills {@code buf} from {@code position}; stops early only at the end of the file. */
    void readFully(ByteBuffer buf, long position) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int n;
            try {
                n = channel().read(buf, at);
            } catch (ClosedChannelException e) {
                survive(e);
                continue;
            }
            if (n < 0) {
                return;
            }
            at += n;
        }
    }

    private FileChannel channel() throws IOException {
        FileChannel ch = channel;
        if (ch.isOpen()) {
            return ch;
        }
        synchronized (channelLock) {
            if (deleted) {
                throw new SegmentDeletedException(logFile);
            }
            if (!channel.isOpen()) {
                channel = FileChannel.open(logFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            return channel;
        }
    }

    /**
     * Decides what a closed channel means: the segment was deleted (tell the reader), this
     * thread was interrupted (its interrupt closed the channel: rethrow to it, the next call
     * reopens), or another thread's interrupt closed it under this one (retry).
     */
    private void survive(ClosedChannelException e) throws IOException {
        if (deleted) {
            throw new SegmentDeletedException(logFile);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw e;
        }
    }

    void close() throws IOException {
        synchronized (channelLock) {
            channel.close();
        }
    }

    /** Closes and removes the segment's files. Readers still holding it get {@link SegmentDeletedException}. */
    void delete() throws IOException {
        deleted = true;
        close();
        Files.deleteIfExists(logFile);
        Files.deleteIfExists(indexFile);
    }

    @Override
    public String toString() {
        return logFile.toString();
    }
}
