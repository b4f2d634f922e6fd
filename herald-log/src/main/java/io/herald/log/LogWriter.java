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
 * publishers queued into one batch, writes it, forces it to disk if the {@link FlushPolicy}
 * asks, makes it visible and only then completes the publishers' futures (group commit: while one
 * fsync runs, the next batch gathers, so sixty-four synchronous publishers share one fsync).
 *
 * <p>Maintenance that changes the log (retention, rolls) runs on the same thread through
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

    private enum State { RUNNING, CLOSING, CLOSED, FAILED }

    private final Log log;
    private final FlushPolicy flushPolicy;
    private final int maxBatchBytes;
    private final ConcurrentLinkedQueue<Work> queue = new ConcurrentLinkedQueue<>();
    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    private final Thread thread;
    private final List<Append> inFlight = new ArrayList<>();
    private volatile boolean sleeping;
    private volatile Throwable failure;
    private ByteBuffer batch = ByteBuffer.allocateDirect(MAX_BATCH_BYTES);
    private long lastFlushNanos = System.nanoTime();

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
        this.flushPolicy = flushPolicy;
        this.maxBatchBytes = maxBatchBytes;
        this.thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::run);
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
        if (records.count() == 0) {
            throw new IllegalArgumentException("an append needs at least one record");
        }
        Append a = new Append(records);
        enqueue(a);
        return a.future;
    }

    /** Runs {@code task} on the writer thread, in order with the appends. */
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        Task<T> t = new Task<>(task);
        enqueue(t);
        return t.future;
    }

    /** Called on the writer thread after each batch becomes visible; keep it short. */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    private void enqueue(Work work) {
        State s = state.get();
        if (s != State.RUNNING) {
            work.fail(s == State.FAILED ? new LogFailedException(log.name(), failure) : new LogClosedException(log.name()));
            return;
        }
        queue.offer(work);
        if (sleeping) {
            LockSupport.unpark(thread);
        }
        // closed between the check and the offer: the writer may have drained already
        if (state.get() != State.RUNNING && queue.remove(work)) {
            work.fail(new LogClosedException(log.name()));
        }
    }

    private void run() {
        try {
            while (true) {
                Work next = queue.poll();
                if (next == null) {
                    if (state.get() != State.RUNNING) {
                        break;
                    }
                    flushIfDue();
                    idle();
                    continue;
                }
                if (next instanceof Task<?> task) {
                    task.run();
                } else {
                    writeBatch((Append) next);
                }
            }
            if (log.hasUnflushed() && !(flushPolicy instanceof FlushPolicy.Never)) {
                log.flush();
            }
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
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
        inFlight.clear();
        inFlight.add(first);
        int bytes = first.records.sizeInBytes();
        int count = first.records.count();
        while (queue.peek() instanceof Append more && bytes + more.records.sizeInBytes() <= maxBatchBytes) {
            queue.poll();
            inFlight.add(more);
            bytes += more.records.sizeInBytes();
            count += more.records.count();
        }
        ByteBuffer buf = bufferFor(RecordBatchFormat.HEADER_SIZE + bytes);
        buf.clear().position(RecordBatchFormat.HEADER_SIZE);
        for (Append a : inFlight) {
            buf.put(a.records.bytes(), 0, a.records.sizeInBytes());
        }
        buf.flip();
        long base;
        try {
            base = log.append(buf, count);
            if (flushPolicy instanceof FlushPolicy.EveryBatch) {
                log.flush();
                lastFlushNanos = System.nanoTime();
            }
            log.publish();
        } catch (IOException | RuntimeException e) {
            for (Append a : inFlight) {
                a.future.completeExceptionally(new LogFailedException(log.name(), e));
            }
            inFlight.clear();
            throw e;
        }
        long offset = base;
        for (Append a : inFlight) {
            a.future.complete(offset);
            offset += a.records.count();
        }
        inFlight.clear();
        for (Runnable listener : listeners) {
            listener.run();
        }
        flushIfDue();
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

    private void flushIfDue() throws IOException {
        if (flushPolicy instanceof FlushPolicy.Interval interval && log.hasUnflushed()
                && System.nanoTime() - lastFlushNanos >= interval.interval().toNanos()) {
            log.flush();
            lastFlushNanos = System.nanoTime();
        }
    }

    private void idle() {
        for (int i = 0; i < SPINS_BEFORE_PARK; i++) {
            if (!queue.isEmpty()) {
                return;
            }
            Thread.onSpinWait();
        }
        long parkNanos = IDLE_PARK_NANOS;
        if (flushPolicy instanceof FlushPolicy.Interval interval && log.hasUnflushed()) {
            parkNanos = Math.max(1, interval.interval().toNanos() - (System.nanoTime() - lastFlushNanos));
        }
        sleeping = true;
        if (queue.isEmpty() && state.get() == State.RUNNING) {
            LockSupport.parkNanos(this, parkNanos);
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
            w.fail(state.get() == State.FAILED ? new LogFailedException(log.name(), failure) : new LogClosedException(log.name()));
        }
    }

    public boolean isFailed() {
        return state.get() == State.FAILED;
    }

    /** Writes what is queued, flushes per policy, closes the log; waits for all of it. */
    @Override
    public void close() {
        state.compareAndSet(State.RUNNING, State.CLOSING);
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private sealed interface Work permits Append, Task {
        void fail(Throwable e);
    }

    private record Append(RecordSet records, CompletableFuture<Long> future) implements Work {
        Append(RecordSet records) {
            this(records, new CompletableFuture<>());
        }

        @Override
        public void fail(Throwable e) {
            future.completeExceptionally(e);
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
