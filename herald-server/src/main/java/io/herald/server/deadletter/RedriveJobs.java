package io.herald.server.deadletter;

import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Position;
import io.herald.broker.RedriveTarget;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redrives at a rate: each runs on a thread of its own, sending the selected dead letters one at
 * a time in position order (so each key keeps its order), paced to {@code perSecond}, and can be
 * watched and cancelled. Jobs live in this server's memory: a restart ends them, and what was
 * not redriven yet stays in the queue. Thread-safe.
 */
final class RedriveJobs implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedriveJobs.class);
    private static final int PAGE = 500;

    enum State { RUNNING, DONE, CANCELLED, FAILED }

    /** One redrive; its counters are read while it runs. */
    static final class Job {
        final String id;
        final String topic;
        final String subscription;
        final long total;
        final double perSecond;
        private final AtomicLong done = new AtomicLong();
        private volatile State state = State.RUNNING;
        private volatile String error;
        private volatile Thread thread;

        Job(String id, String topic, String subscription, long total, double perSecond) {
            this.id = id;
            this.topic = topic;
            this.subscription = subscription;
            this.total = total;
            this.perSecond = perSecond;
        }

        long done() {
            return done.get();
        }

        State state() {
            return state;
        }

        Optional<String> error() {
            return Optional.ofNullable(error);
        }
    }

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final LongSupplier nanoClock;

    RedriveJobs(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    Job start(String topic, String subscription, DeadLetterQueue queue, DeadLetterSelector selector, RedriveTarget target,
              double perSecond) {
        long total = queue.count(selector);
        Job job = new Job(Long.toString(ids.incrementAndGet()), topic, subscription, total, perSecond);
        jobs.put(job.id, job);
        job.thread = Thread.ofVirtual().name("herald-redrive-" + job.id).start(() -> run(job, queue, selector, target));
        return job;
    }

    Optional<Job> get(String topic, String subscription, String id) {
        return Optional.ofNullable(jobs.get(id)).filter(j -> j.topic.equals(topic) && j.subscription.equals(subscription));
    }

    void cancel(Job job) {
        if (job.state == State.RUNNING) {
            job.state = State.CANCELLED;
            Thread t = job.thread;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    private void run(Job job, DeadLetterQueue queue, DeadLetterSelector selector, RedriveTarget target) {
        long intervalNanos = (long) (1e9 / job.perSecond);
        long next = nanoClock.getAsLong();
        Position last = null;
        try {
            while (job.state == State.RUNNING) {
                List<DeadLetter> page = queue.list(selector, PAGE);
                Position after = last;
                List<DeadLetter> fresh = page.stream().filter(d -> after == null || d.position().compareTo(after) > 0).toList();
                if (fresh.isEmpty()) {
                    break;
                }
                for (DeadLetter d : fresh) {
                    if (job.state != State.RUNNING) {
                        return;
                    }
                    long wait = next - nanoClock.getAsLong();
                    if (wait > 0) {
                        Thread.sleep(Duration.ofNanos(wait));
                    }
                    next = Math.max(next, nanoClock.getAsLong() - intervalNanos) + intervalNanos;
                    Position p = d.position();
                    job.done.addAndGet(queue.redrive(DeadLetterSelector.range(p.partition(), p.offset(), p.offset()), target,
                            DeadLetterQueue.Progress.NONE));
                    last = p;
                }
            }
            if (job.state == State.RUNNING) {
                job.state = State.DONE;
            }
        } catch (InterruptedException e) {
            job.state = State.CANCELLED;
        } catch (RuntimeException e) {
            LOG.warn("redrive {} of '{}' on topic '{}' failed after {} dead letters", job.id, job.subscription, job.topic, job.done(), e);
            job.error = e.getMessage();
            job.state = State.FAILED;
        }
    }

    @Override
    public void close() {
        jobs.values().forEach(this::cancel);
    }
}
