package io.herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The one way both backends write a dead letter. The first test is the defect issue 15 names: the
 * PARTITION member slept a second and wrote again inside the callback of the failed write, on the
 * thread that completed it, which in a broker is the internal producer's I/O thread, shared by all
 * of Herald's internal writes. Here a stand-in "I/O thread" completes each write.
 */
class DeadLetterWriteTest {

    private static final Duration PAUSE = Duration.ofMillis(5);

    /** Each write is a future the test completes from its own "producer I/O" thread. */
    private final LinkedBlockingQueue<CompletableFuture<Object>> writes = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new CopyOnWriteArrayList<>();

    private CompletableFuture<?> write() {
        writers.add(Thread.currentThread());
        CompletableFuture<Object> w = new CompletableFuture<>();
        writes.add(w);
        return w;
    }

    private CompletableFuture<Object> nextWrite() throws InterruptedException {
        CompletableFuture<Object> w = writes.poll(10, TimeUnit.SECONDS);
        assertThat(w).as("a write was attempted").isNotNull();
        return w;
    }

    @Test
    void aFailedWriteIsTriedAgainOffTheThreadThatCompletedItAndThatThreadIsNeverHeld() throws Exception {
        List<Throwable> heard = new CopyOnWriteArrayList<>();
        CompletableFuture<Boolean> outcome = DeadLetterWrite.start(null, false, this::write, () -> true, heard::add, PAUSE);

        Thread io = new Thread(() -> {
            try {
                nextWrite().completeExceptionally(new IllegalStateException("too large"));
                nextWrite().completeExceptionally(new IllegalStateException("still too large"));
                nextWrite().complete("written");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "kafka-producer-network-thread | stand-in");
        io.start();

        assertThat(outcome.get(10, TimeUnit.SECONDS)).isTrue();
        io.join();
        // every retry was made elsewhere: the stand-in I/O thread only ever completed writes
        assertThat(writers).hasSize(3).doesNotContain(io);
        assertThat(heard).extracting(Throwable::getMessage).containsExactly("too large", "still too large");
    }

    @Test
    void anEventNoLongerOursIsGivenUpAfterItsFailedWrite() throws Exception {
        AtomicBoolean ours = new AtomicBoolean(true);
        AtomicInteger heard = new AtomicInteger();
        CompletableFuture<Boolean> outcome = DeadLetterWrite.start(null, false, this::write, ours::get, e -> heard.incrementAndGet(), PAUSE);

        ours.set(false); // the partition was revoked while the write was under way
        nextWrite().completeExceptionally(new IllegalStateException("too large"));

        assertThat(outcome.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(writers).hasSize(1);
        assertThat(heard).hasValue(0);
    }

    @Test
    void anEventThatStopsBeingOursDuringThePauseIsNotWrittenAgain() throws Exception {
        AtomicBoolean ours = new AtomicBoolean(true);
        CompletableFuture<Boolean> outcome = DeadLetterWrite.start(null, false, this::write, ours::get, e -> ours.set(false), PAUSE);

        nextWrite().completeExceptionally(new IllegalStateException("too large"));

        assertThat(outcome.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(writers).hasSize(1);
    }

    @Test
    void aWriteThatThrowsInsteadOfFailingItsFutureIsTriedAgainToo() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<Boolean> outcome = DeadLetterWrite.start(null, false, () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("producer closed under us");
            }
            return CompletableFuture.completedFuture("written");
        }, () -> true, e -> { }, PAUSE);

        assertThat(outcome.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(calls).hasValue(2);
    }

    /** An intent the test completes by hand, and a topic it says holds the dead letter or not. */
    private final class RecordedIntent implements DeadLetterWrite.Intent {
        final LinkedBlockingQueue<CompletableFuture<Object>> records = new LinkedBlockingQueue<>();
        final AtomicBoolean inTopic = new AtomicBoolean();
        final AtomicInteger looks = new AtomicInteger();
        final List<String> order = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<?> record() {
            order.add("intent");
            CompletableFuture<Object> r = new CompletableFuture<>();
            records.add(r);
            return r;
        }

        @Override
        public CompletableFuture<Boolean> written() {
            looks.incrementAndGet();
            order.add("look");
            return CompletableFuture.completedFuture(inTopic.get());
        }

        CompletableFuture<?> write() {
            order.add("write");
            return DeadLetterWriteTest.this.write();
        }
    }

    @Test
    void theIntentIsDurableBeforeTheFirstWriteAndARecordFailureIsTriedAgain() throws Exception {
        RecordedIntent intent = new RecordedIntent();
        CompletableFuture<Boolean> outcome = DeadLetterWrite.start(intent, false, intent::write, () -> true, e -> { }, PAUSE);

        intent.records.poll(10, TimeUnit.SECONDS).completeExceptionally(new IllegalStateException("state store full"));
        assertThat(writes).as("nothing written before the intent is durable").isEmpty();
        intent.records.poll(10, TimeUnit.SECONDS).complete("recorded");
        nextWrite().complete("written");

        assertThat(outcome.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(intent.order).containsExactly("intent", "intent", "write");
    }

    @Test
    void theWriteAfterTheIntentIsNotMadeOnTheThreadThatRecordedTheIntent() throws Exception {
        RecordedIntent intent = new RecordedIntent();
        CompletableFuture<Boolean> outcome = DeadLetterWrite.start(intent, false, intent::write, () -> true, e -> { }, PAUSE);
        CompletableFuture<Object> record = intent.records.poll(10, TimeUnit.SECONDS);
        // on Kafka the intent's record completes on the producer's I/O thread, where a send of the
        // dead letter would wait for metadata only that thread can fetch
        Thread io = new Thread(() -> record.complete("recorded"), "kafka-producer-network-thread | stand-in");
        io.start();
        io.join();
        nextWrite().complete("written");

        assertThat(outcome.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(writers).hasSize(1).doesNotContain(io);
    }

    @Test
    void aWriteThatFailedIsLookedForBeforeItIsWrittenAgain() throws Exception {
        RecordedIntent intent = new RecordedIntent();
        CompletableFuture<Boolean> outcome = DeadLetterWrite.start(intent, false, intent::write, () -> true, e -> { }, PAUSE);
        intent.records.poll(10, TimeUnit.SECONDS).complete("recorded");
        intent.inTopic.set(true); // the write landed, but its answer was lost (a timeout)
        nextWrite().completeExceptionally(new IllegalStateException("request timed out"));

        assertThat(outcome.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(intent.order).containsExactly("intent", "write", "look");
    }

    @Test
    void aResumedIntentLooksFirstAndWritesOnlyIfTheDeadLetterIsMissing() throws Exception {
        RecordedIntent found = new RecordedIntent();
        found.inTopic.set(true);
        assertThat(DeadLetterWrite.start(found, true, found::write, () -> true, e -> { }, PAUSE).get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(found.order).as("written before the crash: not again").containsExactly("look");

        RecordedIntent missing = new RecordedIntent();
        CompletableFuture<Boolean> outcome = DeadLetterWrite.start(missing, true, missing::write, () -> true, e -> { }, PAUSE);
        nextWrite().complete("written");
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(missing.order).as("the crash came before the write").containsExactly("look", "write");
    }
}
