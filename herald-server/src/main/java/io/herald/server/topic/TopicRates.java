package io.herald.server.topic;

import io.herald.broker.Broker;
import io.herald.broker.TopicInfo;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events published per second per topic over the last minute, from the topics' end offsets
 * sampled every {@value #SAMPLE_SECONDS} s. Offsets count what every publisher wrote — other
 * servers of a Kafka cluster and plain Kafka producers too — not only this server's requests.
 * {@link #sample} runs on one timer thread; {@link #perSecond} from any.
 */
public final class TopicRates {

    public static final long SAMPLE_SECONDS = 5;
    private static final long WINDOW_NANOS = 60_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(TopicRates.class);

    private final Broker broker;
    private final LongSupplier nanoClock;
    private final Map<String, Deque<Sample>> samples = new HashMap<>();
    private final ConcurrentHashMap<String, Double> rates = new ConcurrentHashMap<>();

    public TopicRates(Broker broker, LongSupplier nanoClock) {
        this.broker = broker;
        this.nanoClock = nanoClock;
    }

    private record Sample(long nanos, long endOffsets) {
    }

    public void sample() {
        try {
            long now = nanoClock.getAsLong();
            Map<String, Long> ends = new HashMap<>();
            for (TopicInfo t : broker.listTopics()) {
                ends.put(t.name(), t.partitions().stream().mapToLong(TopicInfo.PartitionInfo::endOffset).sum());
            }
            record(now, ends);
        } catch (RuntimeException e) {
            LOG.debug("cannot sample topic offsets now: {}", e.getMessage());
        }
    }

    /** Takes one sample of every topic's summed end offsets, taken at {@code now}. */
    void record(long now, Map<String, Long> ends) {
        samples.keySet().retainAll(ends.keySet());
        rates.keySet().retainAll(ends.keySet());
        ends.forEach((topic, end) -> {
            Deque<Sample> window = samples.computeIfAbsent(topic, t -> new ArrayDeque<>());
            window.addLast(new Sample(now, end));
            while (window.size() > 2 && now - window.peekFirst().nanos() > WINDOW_NANOS) {
                window.removeFirst();
            }
            Sample first = window.peekFirst();
            long elapsed = now - first.nanos();
            if (elapsed > 0) {
                rates.put(topic, Math.max(0, end - first.endOffsets()) * 1e9 / elapsed);
            }
        });
    }

    /** Empty until two samples of the topic were taken. */
    public Optional<Double> perSecond(String topic) {
        return Optional.ofNullable(rates.get(topic));
    }
}
