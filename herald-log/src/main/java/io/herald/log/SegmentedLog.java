package io.herald.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A partition's log on disk: a directory of {@link LogSegment}s, the last of which takes appends.
 *
 * <p>On open, every segment file is opened in offset order; sealed segments with a matching index
 * are trusted, the last one (and any without a matching index) is scanned ({@link SegmentRecovery}).
 * Only the last segment's torn tail is cut. Damage anywhere else (a batch that fails its checks, a
 * file cut short or missing) is kept on disk as it is: the offsets it covers become a damaged
 * range, whose reads fail with a {@link CorruptLogException} that names it, while everything before
 * and after it stays readable. Opening or reading never deletes data. Stray temporary files are
 * removed.
 *
 * <p>Threading: see {@link Log}. The owner thread is enforced once {@link #bindOwner} is called.
 */
public final class SegmentedLog implements Log {

    private final Path dir;
    private final LogConfig config;
    private final Clock clock;
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    /** Offset ranges found damaged on open, by their first offset; usually none. */
    private final ConcurrentSkipListMap<Long, Damage> damages = new ConcurrentSkipListMap<>();
    private volatile LogSegment active;
    private volatile long startOffset;
    private volatile long endOffset;
    private long writtenOffset;
    private long lastAppendTime;
    /** Sealed segments whose data is not yet forced; the next {@link #sync} forces them. */
    private final java.util.concurrent.ConcurrentLinkedQueue<LogSegment> unforced = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** A segment file was created since the directory was last forced. */
    private volatile boolean directoryDirty;
    private volatile Thread owner;
    private volatile boolean closed;
    /** Appended batches not yet visible, in order: where each ends, in which segment. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Mark> unpublished = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private SegmentedLog(Path dir, LogConfig config, Clock clock) {
        this.dir = dir;
        this.config = config;
        this.clock = clock;
    }

    /** Opens (recovering) or creates the log in {@code dir}. */
    public static SegmentedLog open(Path dir, LogConfig config, Clock clock, RecoveryListener listener) throws IOException {
        Files.createDirectories(dir);
        SegmentedLog log = new SegmentedLog(dir, config, clock);
        log.load(listener);
        return log;
    }

    public static SegmentedLog open(Path dir, LogConfig config) throws IOException {
        return open(dir, config, Clock.systemUTC(), RecoveryListener.IGNORE);
    }

    private void load(RecoveryListener listener) throws IOException {
        List<Path> logFiles = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.delete(file);
                } else if (name.endsWith(LogSegment.LOG_SUFFIX)) {
                    logFiles.add(file);
                }
            }
        }
        logFiles.sort(Comparator.comparingLong(LogSegment::baseOffsetOf));
        for (int i = 0; i < logFiles.size(); i++) {
            boolean last = i == logFiles.size() - 1;
            LogSegment segment = LogSegment.open(logFiles.get(i), last, config.indexIntervalBytes(), listener);
            segments.put(segment.baseOffset(), segment);
            noteDamage(segment, last ? -1 : LogSegment.baseOffsetOf(logFiles.get(i + 1)), listener);
        }
        if (segments.isEmpty()) {
            segments.put(0L, LogSegment.create(dir, 0, config.indexIntervalBytes()));
            syncDirectory();
        }
        active = segments.lastEntry().getValue();
        startOffset = segments.firstKey();
        writtenOffset = active.nextOffset();
        endOffset = writtenOffset;
        lastAppendTime = active.lastAppendTime();
        for (LogSegment s : segments.values()) {
            lastAppendTime = Math.max(lastAppendTime, s.lastAppendTime());
        }
    }

    /**
     * Registers the damaged ranges recovery found in {@code segment}, and any offsets between where
     * a sealed segment's batches end and where the next one ({@code nextBase}; -1 for the last)
     * begins: none in a whole log; a file cut short or missing otherwise. Each is kept as a
     * damaged range, with everything after it.
     */
    private void noteDamage(LogSegment segment, long nextBase, RecoveryListener listener) {
        boolean toNextSegment = false;
        for (LogSegment.Damage d : segment.damage()) {
            long to = d.resumeOffset() >= 0 ? d.resumeOffset() : nextBase;
            toNextSegment |= d.resumeOffset() < 0;
            if (to > d.firstOffset()) {
                damages.put(d.firstOffset(), new Damage(d.firstOffset(), to, segment.logFile(), d.position(), d.problem()));
            }
        }
        if (nextBase < 0) {
            return;
        }
        long from = segment.nextOffset();
        if (from > nextBase) {
            throw new CorruptLogException(segment.logFile() + " holds offsets up to " + (from - 1) + ", past offset " + nextBase
                    + " where the next segment file begins; one of the two is not this log's (move it away to open the log)");
        }
        if (from == nextBase || toNextSegment) {
            return;
        }
        String problem = "the segment ends at offset " + from + " but the next segment file begins at " + nextBase
                + ": a file was cut short or is missing";
        listener.damaged(segment.logFile(), segment.size(), problem);
        damages.put(from, new Damage(from, nextBase, segment.logFile(), segment.size(), problem));
    }

    /** Offsets {@code [from, to)} that cannot be read: {@code problem} at {@code bytePosition} of {@code file}. */
    private record Damage(long from, long to, Path file, long bytePosition, String problem) {

        CorruptLogException at() {
            return new CorruptLogException(file, bytePosition, from, to, problem);
        }
    }

    @Override
    public List<CorruptLogException> damage() {
        return damages.values().stream().filter(d -> d.to() > startOffset).map(Damage::at).toList();
    }

    /** From now on, only {@code thread} may call the mutating methods. */
    public void bindOwner(Thread thread) {
        this.owner = thread;
    }

    private void checkOwner() {
        Thread o = owner;
        if (o != null && o != Thread.currentThread()) {
            throw new IllegalStateException("log " + name() + " is written only by its writer thread " + o.getName()
                    + ", not by " + Thread.currentThread().getName() + "; go through its LogWriter");
        }
    }

    @Override
    public String name() {
        return dir.toString();
    }

    @Override
    public long startOffset() {
        return startOffset;
    }

    @Override
    public long endOffset() {
        return endOffset;
    }

    @Override
    public long sizeInBytes() {
        long size = 0;
        for (LogSegment s : segments.values()) {
            size += s.visibleSize();
        }
        return size;
    }

    public int segmentCount() {
        return segments.size();
    }

    @Override
    public long append(ByteBuffer batch, int recordCount) throws IOException {
        checkOwner();
        int start = batch.position();
        int end = batch.limit();
        long base = writtenOffset;
        long appendTime = Math.max(clock.millis(), lastAppendTime);
        RecordBatchFormat.writeHeader(batch, start, end, base, recordCount, appendTime);
        if (active.size() > 0 && (long) active.size() + (end - start) > config.segmentBytes()) {
            roll();
        }
        active.append(batch, base, recordCount, appendTime);
        writtenOffset = base + recordCount;
        unpublished.add(new Mark(writtenOffset, active, active.size()));
        lastAppendTime = appendTime;
        return base;
    }

    /**
     * Forces the sealed segments not yet forced, the directory if a segment was created, then the
     * active segment: afterwards everything appended before the call is on stable storage. Rolls
     * never force on the writer thread; this does it, off the append path.
     */
    @Override
    public synchronized void sync() throws IOException {
        LogSegment current = active;
        LogSegment sealed;
        while ((sealed = unforced.poll()) != null) {
            try {
                sealed.flush();
            } catch (SegmentDeletedException e) {
                // retention deleted it first: nothing of it is left to keep
            }
        }
        if (directoryDirty) {
            directoryDirty = false;
            syncDirectory();
        }
        current.flush();
    }

    @Override
    public void publish(long upTo) {
        Mark mark;
        while ((mark = unpublished.peek()) != null && mark.end() <= upTo) {
            unpublished.poll();
            mark.segment().publishTo(mark.size());
        }
        endOffset = upTo;
    }

    @Override
    public void roll() throws IOException {
        checkOwner();
        if (active.isEmpty()) {
            return;
        }
        active.seal();
        unforced.add(active);
        LogSegment next = LogSegment.create(dir, writtenOffset, config.indexIntervalBytes());
        directoryDirty = true;
        segments.put(next.baseOffset(), next);
        active = next;
    }

    @Override
    public LogFetch read(long offset, int maxBytes) throws IOException {
        return read(offset, maxBytes, null);
    }

    @Override
    public LogFetch readAfter(LogFetch previous, int maxBytes) throws IOException {
        return read(previous.nextOffset(), maxBytes, previous);
    }

    private LogFetch read(long offset, int maxBytes, LogFetch previous) throws IOException {
        while (true) {
            if (closed) {
                throw new LogClosedException(name());
            }
            long end = endOffset;
            long start = startOffset;
            if (offset < start || offset > end) {
                throw new OffsetOutOfRangeException(name(), offset, start, end);
            }
            if (offset == end) {
                return LogFetch.empty(offset);
            }
            if (!damages.isEmpty()) {
                Map.Entry<Long, Damage> damaged = damages.floorEntry(offset);
                if (damaged != null && offset < damaged.getValue().to()) {
                    throw damaged.getValue().at();
                }
            }
            Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
            if (entry == null) {
                continue; // retention moved the start meanwhile; check again
            }
            LogSegment segment = entry.getValue();
            if (offset >= segment.nextOffset()) {
                // the offset is the first of the next segment
                Map.Entry<Long, LogSegment> next = segments.higherEntry(segment.baseOffset());
                if (next == null) {
                    return LogFetch.empty(offset);
                }
                segment = next.getValue();
            }
            int position = previous != null && previous.segmentBase() == segment.baseOffset() && previous.nextPosition() >= 0
                    ? previous.nextPosition()
                    : segment.index().positionForOffset(offset);
            try {
                return readSegment(segment, offset, position, maxBytes, end);
            } catch (SegmentDeletedException e) {
                // retention deleted the segment under us; the start offset has moved, look again
            }
        }
    }

    /**
     * Reads whole batches of the segment, from the one holding {@code offset}, none at or past
     * {@code end}, scanning from {@code start}. The index (or the previous fetch) points at or a
     * little before the offset; the batches in between are skipped by their headers. Every pass either moves forward or returns, and the first batch
     * returned always holds {@code offset}, so a reader always makes progress.
     */
    private LogFetch readSegment(LogSegment segment, long offset, int start, int maxBytes, long end) throws IOException {
        int limit = segment.visibleSize();
        int want = Math.max(maxBytes, RecordBatchFormat.HEADER_SIZE);
        int position = start;
        if (position >= limit) {
            return LogFetch.empty(offset);
        }
        ByteBuffer buf = segment.read(position, want, limit);
        int p = 0;
        while (true) {
            if (buf.limit() - p < RecordBatchFormat.HEADER_SIZE) {
                if (position + p >= limit) {
                    if (offset < Math.min(end, segment.nextOffset())) {
                        // the offset is visible in this segment, so a damaged length skipped it
                        return damagedRead(segment, offset, start, maxBytes, end, limit);
                    }
                    return LogFetch.empty(offset); // not visible in this segment yet
                }
                position += p;
                p = 0;
                buf = segment.read(position, want, limit);
                if (buf.limit() < RecordBatchFormat.HEADER_SIZE) {
                    return damagedRead(segment, offset, start, maxBytes, end, limit);
                }
                continue;
            }
            int size = RecordBatchFormat.totalSize(buf, p);
            if (size < RecordBatchFormat.HEADER_SIZE || size > limit - position - p) {
                return damagedRead(segment, offset, start, maxBytes, end, limit);
            }
            long base = RecordBatchFormat.baseOffset(buf, p);
            if (base >= end) {
                // made visible after this read began, or a header that lies: only a whole batch waits
                if (SegmentScan.isWholeBatch(segment::readFully, limit, position + p)) {
                    return LogFetch.empty(offset);
                }
                return damagedRead(segment, offset, start, maxBytes, end, limit);
            }
            if (base + RecordBatchFormat.recordCount(buf, p) > offset) {
                if (size > buf.limit() - p) {
                    position += p;
                    p = 0;
                    buf = segment.read(position, Math.max(want, size), limit);
                }
                break;
            }
            p += size;
        }
        int first = p;
        long next = offset;
        long lastAppendTime = Long.MIN_VALUE;
        while (buf.limit() - p >= RecordBatchFormat.HEADER_SIZE) {
            int size = RecordBatchFormat.totalSize(buf, p);
            if (size < RecordBatchFormat.HEADER_SIZE || size > buf.limit() - p) {
                break; // cut off by the read size: the next read gets it
            }
            long base = RecordBatchFormat.baseOffset(buf, p);
            if (base >= end) {
                break; // made visible after this read began: the next read gets it
            }
            RecordBatchFormat.Check check = RecordBatchFormat.check(buf, p, size, -1);
            if (!check.valid()) {
                if (p > first) {
                    break; // the batches before it are whole: they are served, the next read fails at it
                }
                return damagedRead(segment, offset, start, maxBytes, end, limit);
            }
            if (p == first && base > offset) {
                return damagedRead(segment, offset, start, maxBytes, end, limit); // a lying header led the skip past it
            }
            long appendTime = RecordBatchFormat.appendTime(buf, p);
            if (p > first && (base != next || appendTime < lastAppendTime)) {
                break; // whole but out of place (a stray copy): the next read, from where this one ends, decides
            }
            next = base + RecordBatchFormat.recordCount(buf, p);
            lastAppendTime = appendTime;
            p += size;
        }
        return new LogFetch(buf.slice(first, p - first), offset, next, segment.baseOffset(), position + p);
    }

    /**
     * A read for {@code offset} from byte {@code start} (where a batch begins) met a batch that fails
     * its checks. The fast skip trusted the headers it passed, and a damaged one may have led it
     * astray, so the read walks again from {@code start}, checking every batch and finding the next
     * whole batch after damage as recovery does ({@link SegmentScan}): if a whole batch holds
     * {@code offset}, the read goes on there; otherwise the offsets up to the next whole batch (or
     * the next segment) are the damaged range, and the error names its first bad byte.
     */
    private LogFetch damagedRead(LogSegment segment, long offset, int start, int maxBytes, long end, int limit) throws IOException {
        SegmentScan.Source source = segment::readFully;
        int q = start;
        int badAt = -1;
        while (q >= 0 && q + RecordBatchFormat.HEADER_SIZE <= limit) {
            if (!SegmentScan.isWholeBatch(source, limit, q)) {
                badAt = badAt < 0 ? q : badAt;
                q = SegmentScan.nextWholeBatch(source, limit, q, -1, segment.baseOffset());
                continue;
            }
            ByteBuffer header = segment.read(q, RecordBatchFormat.HEADER_SIZE, limit);
            long base = RecordBatchFormat.baseOffset(header, 0);
            if (base + RecordBatchFormat.recordCount(header, 0) <= offset) {
                badAt = -1; // damage before this batch is before the offset: not this read's
                q += RecordBatchFormat.totalSize(header, 0);
            } else if (base <= offset) {
                return readSegment(segment, offset, q, maxBytes, end);
            } else {
                throw corrupt(segment, badAt < 0 ? q : badAt, offset, base, badAt < 0
                        ? "no whole batch holds offsets " + offset + " to " + (base - 1) + " before byte " + q
                        : problemAt(segment, badAt, limit));
            }
        }
        if (badAt < 0 && q >= 0 && q < limit) {
            badAt = q; // a partial header below the visible end
        }
        if (badAt < 0) {
            return LogFetch.empty(offset); // nothing in the way after all: the offset is not visible yet
        }
        throw corrupt(segment, badAt, offset, -1, problemAt(segment, badAt, limit));
    }

    /** What is wrong with the batch at {@code position}: its check's problem, or why its length does not frame it. */
    private static String problemAt(LogSegment segment, int position, int limit) throws IOException {
        if (position < 0 || limit - position < RecordBatchFormat.HEADER_SIZE) {
            return "a partial batch header below the visible end " + limit;
        }
        int size = RecordBatchFormat.totalSize(segment.read(position, RecordBatchFormat.HEADER_SIZE, limit), 0);
        if (size < RecordBatchFormat.HEADER_SIZE || size > limit - position) {
            return "batch length " + size + " does not fit the " + (limit - position) + " bytes written after it";
        }
        RecordBatchFormat.Check check = RecordBatchFormat.check(segment.read(position, size, limit), 0, size, -1);
        return check.valid() ? "no whole batch holds the offset" : check.problem();
    }

    /**
     * A batch of {@code segment} at {@code position} that fails its checks when read from
     * {@code offset}; {@code resume}: the base of the next whole batch, if known, else where the
     * next segment begins, if one does.
     */
    private CorruptLogException corrupt(LogSegment segment, long position, long offset, long resume, String problem) {
        if (resume < 0) {
            Long next = segments.higherKey(segment.baseOffset());
            resume = next == null ? -1 : next;
        }
        if (resume >= 0) {
            // kept, so that the log's status names it and later reads of the range fail at once; a range
            // with no end known yet is not (whole batches appended after it end it)
            damages.putIfAbsent(offset, new Damage(offset, resume, segment.logFile(), position, problem));
        }
        return new CorruptLogException(segment.logFile(), position, offset, resume, problem);
    }

    @Override
    public long offsetForTime(long epochMillis) throws IOException {
        for (LogSegment segment : segments.values()) {
            if (segment.isEmpty() || segment.lastAppendTime() < epochMillis) {
                continue;
            }
            int limit = segment.visibleSize();
            int position = segment.index().positionForTime(epochMillis);
            ByteBuffer header = ByteBuffer.allocate(RecordBatchFormat.HEADER_SIZE);
            while (position + RecordBatchFormat.HEADER_SIZE <= limit) {
                header.clear();
                segment.readFully(header, position);
                int size = RecordBatchFormat.totalSize(header, 0);
                if (size < RecordBatchFormat.HEADER_SIZE || size > limit - position) {
                    break; // damage: a length that frames nothing (a read of these offsets names it)
                }
                if (RecordBatchFormat.appendTime(header, 0) >= epochMillis) {
                    return Math.min(Math.max(RecordBatchFormat.baseOffset(header, 0), startOffset), endOffset);
                }
                position += size;
            }
        }
        return endOffset;
    }

    @Override
    public long applyRetention(long nowMillis) throws IOException {
        checkOwner();
        long before = startOffset;
        while (segments.size() > 0) {
            LogSegment first = segments.firstEntry().getValue();
            // a sealed segment with no whole batch (all of it damaged) has no append time: its file's own time stands in
            long lastWrite = first.isEmpty() && first != active ? first.lastModifiedMillis() : first.lastAppendTime();
            boolean expired = config.retentionTime().isPresent() && (first != active || !first.isEmpty())
                    && lastWrite < nowMillis - config.retentionTime().get().toMillis();
            boolean oversize = config.retentionBytes().isPresent() && first != active
                    && sizeInBytes() - first.size() >= config.retentionBytes().get();
            if (!expired && !oversize) {
                break;
            }
            if (first == active) {
                roll(); // everything held is expired: start an empty segment so the old one can go
                continue;
            }
            deleteSegment(first);
        }
        return startOffset - before;
    }

    @Override
    public void deleteBefore(long offset) throws IOException {
        checkOwner();
        while (segments.size() > 1) {
            LogSegment first = segments.firstEntry().getValue();
            if (first == active || first.nextOffset() > offset) {
                return;
            }
            deleteSegment(first);
        }
    }

    private void deleteSegment(LogSegment segment) throws IOException {
        segments.remove(segment.baseOffset());
        startOffset = segments.firstKey();
        segment.delete();
    }

    private void syncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        IOException failure = null;
        if (!(config.flushPolicy() instanceof FlushPolicy.Never)) {
            try {
                sync();
            } catch (IOException e) {
                failure = e;
            }
        }
        for (LogSegment segment : segments.values()) {
            try {
                segment.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void delete() throws IOException {
        close();
        for (LogSegment segment : segments.values()) {
            segment.delete();
        }
        segments.clear();
        Files.deleteIfExists(dir);
    }

    private record Mark(long end, LogSegment segment, int size) {
    }

    @Override
    public String toString() {
        return "SegmentedLog[" + dir + ", offsets " + startOffset + ".." + endOffset + "]";
    }
}
