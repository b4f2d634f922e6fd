package io.herald.bench;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One row group of the result table: a workload in one configuration, run once per repetition
 * against each system, each time on a fresh topic.
 */
interface BenchCase {

    /** The workload it belongs to, as {@code --workloads} names it. */
    String workload();

    /** The configuration, e.g. {@code 100 B, 1 p, never, batch, 1 thr}. */
    String label();

    /** Identifies the measurement: two workloads that list the same case run it once. */
    default String key() {
        return workload() + ": " + label();
    }

    List<Metric> metrics();

    Map<Metric, Target> targets();

    /**
     * Runs against Herald's Kafka backend ({@link HeraldKafkaUnderTest}, in the Herald column) and
     * raw Kafka, instead of against the embedded broker and raw Kafka.
     */
    default boolean onKafkaBackend() {
        return false;
    }

    /** Runs only against Herald (there is no Kafka peer of the measurement). */
    default boolean heraldOnly() {
        return false;
    }

    /**
     * A name for this case's run against {@code system} when another case runs exactly the same
     * thing there (Kafka's peer of KEY ordering is its PARTITION consumer group): the driver
     * then runs it once per repetition and gives both cases its numbers. Empty: a run of its own.
     */
    default Optional<String> sharedRun(BrokerUnderTest system) {
        return Optional.empty();
    }

    /** One measurement: warm-up included, on the fresh topic {@code run.topic()}. */
    Map<Metric, Double> run(BrokerUnderTest system, RunContext run) throws Exception;
}
