package io.herald.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread that writes a partition's {@link Log}: it drains every append that concurrent
 * publishers queued into one batch and writes it. What happens next depends on the
 * {@link FlushPolicy}:
 *
 * <pre>
 *  publishers ──queue──▶ writer: batch, write ──▶ INTERVAL / NEVER: publish, acknowledge
 *                                   │
 *                                   └─ EVERY_BATCH ──▶ syncer: fsync, publish, acknowledge
 *
 *  INTERVAL: a flusher thread forces the log every interval, off the append path.
 * </pre>
 *
 * With {@code EVERY_BATCH} a second thread, the syncer, forces the log while the writer goes on
 * writing the next batches: one fsync covers every batch written before it started (group
 * commit, pipelined). So sixty-four synchronous publishers, woken by one fsync, are written while
 * the next fsync runs and share the one after it; and a pipelined publisher is never slowed to
 * one fsync per batch. A batch becomes visible to readers and its publishers are acknowledged
 * only once it is as durable as the policy asks.
 *
 * <p>Maintenance that changes the log (retention, rolls) runs on the writer thread through
 * {@link #submit}, so the log has a single writer and needs no lock.
 *
 * <p>An I/O error fails the batch in flight and every later call with {@link LogFailedException}:
 * after a failed fsync the state of the page cache is unknown (PostgreSQL's "fsyncgate"), so
 * the log is only trusted again after a reopen runs recovery.
 */
public final class LogWriter implements AutoCloseable {

    /** Drain publishers into batches of about this size. */
    public static final int MAX_BATCH_BYTES = 1 << 20;
    private static final int SPINS_BEFORE_PARK = 200;
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_GATHER_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private enum State { RUNNING, CLOSING, CLOSED, FAILED }

    private final Log log;
    private final int maxBatchBytes;
    private final ConcurrentLinkedQueue<Work> queue = new ConcurrentLinkedQueue<>();
    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    private final Thread thread;
    private final Syncer syncer;
    private final Thread flusher;
    private volatile boolean sleeping;
    private volatile Throwable failure;
    private ByteBuffer batch = ByteBuffer.allocateDirect(MAX_BATCH_BYTES);

    public LogWriter(Log log, FlushPolicy flushPolicy, String threadName) {
        this(log, flushPolicy, MAX_BATCH_BYTES, threadName);
    }

    /**
     * @param maxBatchBytes drain appends into batches of about this size (an append larger than
     *                      this is a batch of its own); small segments want small batches, since a
     *                      batch never spans two segments
     */
    public LogWriter(Log log, FlushPolicy flushPolicy, int maxBatchBytes, String threadName) {
        if (maxBatchBytes < 1) {
            throw new IllegalArgumentException("max batch bytes must be positive, got " + maxBatchBytes);
        }
        this.log = log;
        this.maxBatchBytes = maxBatchBytes;
        this.thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::run);
        this.syncer = flushPolicy instanceof FlushPolicy.EveryBatch ? new Syncer(threadName + "-sync") : null;
        this.flusher = flushPolicy instanceof FlushPolicy.Interval interval
                ? Thread.ofPlatform().name(threadName + "-flush").daemon(true).start(() -> flushEvery(interval.interval().toNanos()))
                : null;
        if (log instanceof SegmentedLog segmented) {
            segmented.bindOwner(thread);
        }
        thread.start();
    }

    public Log log() {
        return log;
    }

    /** Queues records; the future completes with the offset of the first once they are durable per policy and visible. */
    public CompletableFuture<Long> append(RecordSet records) {
        OffsetFuture future = new OffsetFuture();
        append(records, future);
        return future;
    }

    /**
     * Queues records; the callback hears the offset of the first once they are durable per policy
     * and visible, or the failure. For callers that would otherwise chain a second future onto
     * {@link #append(RecordSet)} on every publish.
     */
    public void append(RecordSet records, AppendCallback callback) {
        if (records.count() == 0) {
            throw new IllegalArgumentException("an append needs at least one record");
        }
        enqueue(new Append(records, callback));
    }

    /** Runs {@code task} on the writer thread, in order with the appends. */
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        Task<T> t = new Task<>(task);
        enqueue(t);
        return t.future;
    }

    /** Called after each batch becomes visible (on the writer or syncer thread); keep it short. */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    public boolean isFailed() {
        return state.get() == State.FAILED;
    }

    private void enqueue(Work work) {
        State s = state.get();
        if (s != State.RUNNING) {
            work.fail(stoppedError(s));
            return;
        }
        queue.offer(work);
        if (sleeping) {
            LockSupport.unpark(thread);
        }
        // closed between the check and the offer: the writer may have drained already
        if (state.get() != State.RUNNING && queue.remove(work)) {
            work.fail(stoppedError(state.get()));
        }
    }

    private RuntimeException stoppedError(State s) {
        return s == State.FAILED ? new LogFailedException(log.name(), failure) : new LogClosedException(log.name());
    }

    private void run() {
        try {
            while (state.get() != State.FAILED) {
                Work next = queue.poll();
                if (next == null) {
                    if (state.get() != State.RUNNING) {
                        break;
                    }
                    idle();
                    continue;
                }
                if (next instanceof Task<?> task) {
                    task.run();
                } else {
                    writeBatch((Append) next);
                }
            }
            stopHelpers();
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
            stopHelpers();
        } finally {
            try {
                log.close();
            } catch (IOException e) {
                fail(e);
            }
            if (state.get() != State.FAILED) {
                state.set(State.CLOSED);
            }
            failQueued();
        }
    }

    private void writeBatch(Append first) throws IOException {
        List<Append> appends = new ArrayList<>();
        appends.add(first);
        int bytes = first.records.sizeInBytes();
        int count = first.records.count();
        while (queue.peek() instanceof Append more && bytes + more.records.sizeInBytes() <= maxBatchBytes) {
            queue.poll();
            appends.add(more);
            bytes += more.records.sizeInBytes();
            count += more.records.count();
        }
        ByteBuffer buf = bufferFor(RecordBatchFormat.HEADER_SIZE + bytes);
        buf.clear().position(RecordBatchFormat.HEADER_SIZE);
        for (Append a : appends) {
            buf.put(a.records.bytes(), 0, a.records.sizeInBytes());
        }
        buf.flip();
        long base;
        try {
            base = log.append(buf, count);
        } catch (IOException | RuntimeException e) {
            failAll(appends, e);
            throw e;
        }
        Written written = new Written(base, base + count, appends);
        if (syncer != null) {
            syncer.handOff(written);
        } else {
            log.publish(written.end());
            acknowledge(written);
            notifyListeners();
        }
    }

    /** Completes each publisher's future with the offset of its first record. */
    private void acknowledge(Written written) {
        long offset = written.base();
        for (Append a : written.appends()) {
            a.callback.appended(offset);
            offset += a.records.count();
        }
    }

    private void notifyListeners() {
        for (Runnable listener : listeners) {
            listener.run();
        }
    }

    private void failAll(List<Append> appends, Throwable e) {
        for (Append a : appends) {
            a.callback.failed(new LogFailedException(log.name(), e));
        }
    }

    private ByteBuffer bufferFor(int size) {
        if (size <= batch.capacity()) {
            return batch;
        }
        if (size <= 4 * MAX_BATCH_BYTES) {
            batch = ByteBuffer.allocateDirect(size);
            return batch;
        }
        return ByteBuffer.allocate(size); // a rare giant append: do not keep its buffer
    }

    /** The INTERVAL flusher: forces the log every interval while the writer runs. */
    private void flushEvery(long intervalNanos) {
        while (state.get() == State.RUNNING) {
            LockSupport.parkNanos(this, intervalNanos);
            try {
                log.sync();
            } catch (IOException | RuntimeException e) {
                fail(e);
                return;
            }
        }
    }

    /** Stops the syncer (after it forced what was written) and the flusher; the log's close forces the rest. */
    private void stopHelpers() {
        if (syncer != null) {
            syncer.finish();
        }
        if (flusher != null) {
            LockSupport.unpark(flusher);
            joinUninterruptibly(flusher);
        }
    }

    private void idle() {
        for (int i = 0; i < SPINS_BEFORE_PARK; i++) {
            if (!queue.isEmpty()) {
                return;
            }
            Thread.onSpinWait();
        }
        sleeping = true;
        if (queue.isEmpty() && state.get() == State.RUNNING) {
            LockSupport.parkNanos(this, IDLE_PARK_NANOS);
        }
        sleeping = false;
    }

    private void fail(Throwable e) {
        failure = e;
        state.set(State.FAILED);
    }

    private void failQueued() {
        Work w;
        while ((w = queue.poll()) != null) {
            w.fail(stoppedError(state.get()));
        }
    }

    /** Writes what is queued, flushes per policy, closes the log; waits for all of it. */
    @Override
    public void close() {
        state.compareAndSet(State.RUNNING, State.CLOSING);
        LockSupport.unpark(thread);
        joinUninterruptibly(thread);
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The thread that makes written batches durable under {@code EVERY_BATCH}: it takes every
     * batch written so far, forces the log once, then publishes and acknowledges them all.
     */
    private final class Syncer {
        private final ConcurrentLinkedQueue<Written> written = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        private volatile boolean sleeping;
        private volatile boolean finishing;

        Syncer(String name) {
            this.thread = Thread.ofPlatform().name(name).daemon(true).start(this::run);
        }

        void handOff(Written w) {
            written.offer(w);
            if (sleeping) {
                LockSupport.unpark(thread);
            }
        }

        /** Syncs what was handed off, then stops; called by the writer thread as it ends. */
        void finish() {
            finishing = true;
            LockSupport.unpark(thread);
            joinUninterruptibly(thread);
        }

        private void run() {
            List<Written> group = new ArrayList<>();
            int lastGroupAppends = 0;
            long lastSyncNanos = 0;
            while (true) {
                Written w;
                while ((w = written.poll()) != null) {
                    group.add(w);
                }
                if (!group.isEmpty() && !finishing) {
                    gatherStragglers(group, lastGroupAppends, lastSyncNanos);
                }
                if (group.isEmpty()) {
                    if (finishing) {
                        return;
                    }
                    sleeping = true;
                    if (written.isEmpty() && !finishing) {
                        LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                    }
                    sleeping = false;
                    continue;
                }
                if (state.get() == State.FAILED) {
                    group.forEach(g -> failAll(g.appends(), failure));
                } else {
                    try {
                        long start = System.nanoTime();
                        log.sync();
                        lastSyncNanos = System.nanoTime() - start;
                        lastGroupAppends = appendsIn(group);
                        log.publish(group.getLast().end());
                        group.forEach(LogWriter.this::acknowledge);
                        notifyListeners();
                    } catch (IOException | RuntimeException e) {
                        fail(e);
                        group.forEach(g -> failAll(g.appends(), e));
                    }
                }
                group.clear();
            }
        }
    }

    /**
     * Waits a little for the publishers the last fsync released: synchronous publishers come
     * back one by one, and an fsync started on the first few would leave the rest for the next
     * one. So while fewer appends are waiting than the last fsync covered, gather for up to half
     * an fsync's time (PostgreSQL's commit_delay, sized by measurement instead of by hand). A
     * pipelined publisher always has more waiting and never waits; a lone one never waits either.
     */
    private void gatherStragglers(List<Written> group, int lastGroupAppends, long lastSyncNanos) {
        long deadline = System.nanoTime() + Math.min(lastSyncNanos / 2, MAX_GATHER_NANOS);
        while (appendsIn(group) < lastGroupAppends && System.nanoTime() < deadline) {
            Written w = syncer.written.poll();
            if (w != null) {
                group.add(w);
            } else {
                Thread.yield(); // the publishers need the core more than this loop does
            }
        }
    }

    private static int appendsIn(List<Written> group) {
        int n = 0;
        for (Written w : group) {
            n += w.appends().size();
        }
        return n;
    }

    /** A batch written to the log and the appends it holds. */
    private record Written(long base, long end, List<Append> appends) {
    }

    private sealed interface Work permits Append, Task {
        void fail(Throwable e);
    }

    private record Append(RecordSet records, AppendCallback callback) implements Work {
        @Override
        public void fail(Throwable e) {
            callback.failed(e);
        }
    }

    /** Hears how an append ended; called on the writer's threads, so it must be quick. */
    public interface AppendCallback {
        void appended(long baseOffset);

        void failed(Throwable error);
    }

    private static final class OffsetFuture extends CompletableFuture<Long> implements AppendCallback {
        @Override
        public void appended(long baseOffset) {
            complete(baseOffset);
        }

        @Override
        public void failed(Throwable error) {
            completeExceptionally(error);
        }
    }

    private record Task<T>(Callable<T> callable, CompletableFuture<T> future) implements Work {
        Task(Callable<T> callable) {
            this(callable, new CompletableFuture<>());
        }

        void run() throws IOException {
            try {
                future.complete(callable.call());
            } catch (IOException e) {
                future.completeExceptionally(e);
                throw e;
            } catch (Exception e) {
                future.completeExceptionally(e);
            }
        }

        @Override
        public void fail(Throwable e) {
            future.completeExceptionally(e);
        }
    }
}
