package io.herald.bench;

import io.herald.broker.Broker;
import io.herald.broker.FsyncPolicy;
import io.herald.broker.StartPosition;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicSpec;
import io.herald.embedded.EmbeddedBroker;
import io.herald.event.Event;
import io.herald.jdbc.outbox.Outbox;
import io.herald.jdbc.relay.OutboxRelay;
import io.herald.jdbc.relay.RelayConfig;
import io.herald.jdbc.schema.HeraldSchema;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;

/**
 * The outbox benchmark (issue 5): a real PostgreSQL 17 (zonky's binaries, durable: fsync and
 * synchronous_commit on) and the embedded broker (topic with 4 partitions,
 * fsync ALWAYS, so a row is deleted only after its event is on disk) in this JVM.
 *
 * <ol>
 *   <li>relay throughput: 200,000 committed rows (100-byte events) drained by one relay;</li>
 *   <li>commit-to-delivery latency: 500 single-event transactions per second for 10 s, measured
 *       from just before {@code commit()} to the push subscriber's handler (LISTEN/NOTIFY wake-up);</li>
 *   <li>the cost of the outbox in a business transaction: one INSERT + commit, with and without an
 *       outbox event, from one thread and from 8 threads.</li>
 * </ol>
 * Each is repeated {@code --repetitions} times (3 by default) on fresh data; the medians are printed
 * as a Markdown table on stdout, every run on stderr.
 *
 * <pre>java -cp herald-bench/target/herald-bench.jar io.herald.bench.OutboxBench [--repetitions 3]</pre>
 */
public final class OutboxBench {

    private static final String TOPIC = "outbox-bench";
    private static final int THROUGHPUT_EVENTS = 200_000;
    private static final int LATENCY_RATE = 500;
    private static final Duration LATENCY_WARMUP = Duration.ofSeconds(2);
    private static final Duration LATENCY_MEASURE = Duration.ofSeconds(10);
    private static final int COST_TRANSACTIONS = 2_000;
    private static final int CONCURRENT_WRITERS = 8;
    private static final byte[] PAYLOAD = "x".repeat(100).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private OutboxBench() {
    }

    public static void main(String[] args) throws Exception {
        int repetitions = args.length == 2 && args[0].equals("--repetitions") ? Integer.parseInt(args[1]) : 3;
        Path root = Files.createTempDirectory("herald-outbox-bench");
        Map<String, List<Double>> results = new java.util.LinkedHashMap<>();
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(root.resolve("pg"))
                // zonky starts PostgreSQL with -F (no fsync); a benchmark of commits needs the real thing
                .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").start()) {
            DataSource admin = pg.getPostgresDatabase();
            for (int rep = 1; rep <= repetitions; rep++) {
                DataSource ds = freshDatabase(admin, pg.getPort(), "bench_" + rep);
                Path brokerDir = root.resolve("broker-" + rep);
                record(results, "relay throughput (events/s)", throughput(ds, brokerDir.resolve("t")), rep);
                Histogram latency = latency(ds, brokerDir.resolve("l"));
                record(results, "commit-to-delivery p50 (ms)", latency.getValueAtPercentile(50) / 1000.0, rep);
                record(results, "commit-to-delivery p99 (ms)", latency.getValueAtPercentile(99) / 1000.0, rep);
                record(results, "commit-to-delivery max (ms)", latency.getMaxValue() / 1000.0, rep);
                Histogram plain = transactions(ds, false);
                Histogram outboxed = transactions(ds, true);
                record(results, "business tx, 1 thread, without outbox p50 (ms)", plain.getValueAtPercentile(50) / 1000.0, rep);
                record(results, "business tx, 1 thread, with outbox p50 (ms)", outboxed.getValueAtPercentile(50) / 1000.0, rep);
                record(results, "business tx, 1 thread, without outbox p99 (ms)", plain.getValueAtPercentile(99) / 1000.0, rep);
                record(results, "business tx, 1 thread, with outbox p99 (ms)", outboxed.getValueAtPercentile(99) / 1000.0, rep);
                record(results, "business tx/s, " + CONCURRENT_WRITERS + " threads, without outbox", concurrentRate(ds, false), rep);
                record(results, "business tx/s, " + CONCURRENT_WRITERS + " threads, with outbox", concurrentRate(ds, true), rep);
            }
        }
        System.out.println("| measure | median of " + repetitions + " | runs |");
        System.out.println("|---|---:|---|");
        results.forEach((name, values) -> {
            List<Double> sorted = new ArrayList<>(values);
            Collections.sort(sorted);
            System.out.printf(Locale.ROOT, "| %s | %s | %s |%n", name, format(sorted.get(sorted.size() / 2)),
                    String.join(", ", values.stream().map(OutboxBench::format).toList()));
        });
    }

    private static void record(Map<String, List<Double>> results, String name, double value, int rep) {
        results.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        System.err.printf(Locale.ROOT, "run %d: %s = %s%n", rep, name, format(value));
    }

    private static String format(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static DataSource freshDatabase(DataSource admin, int port, String name) throws SQLException {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setServerNames(new String[] {"localhost"});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(name);
        ds.setUser("postgres");
        HeraldSchema.migrate(ds);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, customer text NOT NULL, total numeric NOT NULL)");
        }
        return ds;
    }

    private static Event event(int n) {
        return Event.builder().type("order.placed").source("/bench").partitionKey("customer-" + (n % 64)).data(PAYLOAD).build();
    }

    /** Fills the outbox with committed rows, then times one relay draining them to the broker. */
    private static double throughput(DataSource ds, Path brokerDir) throws Exception {
        Outbox outbox = Outbox.create();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            List<Event> batch = new ArrayList<>(1000);
            for (int i = 0; i < THROUGHPUT_EVENTS; i++) {
                batch.add(event(i));
                if (batch.size() == 1000) {
                    outbox.publish(c, TOPIC, batch);
                    c.commit();
                    batch.clear();
                }
            }
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("VACUUM ANALYZE herald_outbox, herald_outbox_commit");
        }
        try (Broker broker = EmbeddedBroker.open(brokerDir)) {
            broker.createTopic(TOPIC, TopicSpec.partitions(4).fsync(FsyncPolicy.ALWAYS));
            long start = System.nanoTime();
            try (OutboxRelay relay = OutboxRelay.start(ds, broker, RelayConfig.defaults())) {
                while (relay.stats().relayedTotal() < THROUGHPUT_EVENTS) {
                    LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
                }
                return THROUGHPUT_EVENTS / ((System.nanoTime() - start) / 1e9);
            }
        }
    }

    /** Single-event transactions at a fixed rate; the time from just before commit() to the subscriber. */
    private static Histogram latency(DataSource ds, Path brokerDir) throws Exception {
        Histogram histogram = new Histogram(3);
        Map<String, Long> committing = new ConcurrentHashMap<>();
        AtomicLong measuringFrom = new AtomicLong(Long.MAX_VALUE);
        int total = (int) (LATENCY_RATE * (LATENCY_WARMUP.toSeconds() + LATENCY_MEASURE.toSeconds()));
        CountDownLatch delivered = new CountDownLatch(total);
        try (Broker broker = EmbeddedBroker.open(brokerDir)) {
            broker.createTopic(TOPIC, TopicSpec.partitions(4).fsync(FsyncPolicy.ALWAYS));
            try (OutboxRelay relay = OutboxRelay.start(ds, broker, RelayConfig.defaults());
                 Subscriber ignored = broker.subscribe(TOPIC, "latency", SubscriptionSpec.defaults().startAt(StartPosition.EARLIEST),
                         d -> {
                             long now = System.nanoTime();
                             Long sent = committing.remove(d.event().id());
                             if (sent != null && sent >= measuringFrom.get()) {
                                 synchronized (histogram) {
                                     histogram.recordValue(Math.max(0, (now - sent) / 1000));
                                 }
                             }
                             delivered.countDown();
                         })) {
                while (!relay.isLeader()) {
                    LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
                }
                Outbox outbox = Outbox.create();
                long interval = 1_000_000_000L / LATENCY_RATE;
                long start = System.nanoTime();
                measuringFrom.set(start + LATENCY_WARMUP.toNanos());
                try (Connection c = ds.getConnection()) {
                    c.setAutoCommit(false);
                    for (int i = 0; i < total; i++) {
                        long due = start + i * interval;
                        LockSupport.parkNanos(due - System.nanoTime());
                        Event e = event(i);
                        outbox.publish(c, TOPIC, e);
                        committing.put(e.id(), System.nanoTime());
                        c.commit();
                    }
                }
                if (!delivered.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    throw new IllegalStateException("not every event was delivered within 60 s: " + delivered.getCount() + " missing");
                }
            }
        }
        return histogram;
    }

    /** One thread: INSERT an order (and, with the outbox, its event) and commit; per-transaction times. */
    private static Histogram transactions(DataSource ds, boolean withOutbox) throws SQLException {
        Histogram histogram = new Histogram(3);
        Outbox outbox = Outbox.create();
        try (Connection c = ds.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO orders (customer, total) VALUES (?, 99.98)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < COST_TRANSACTIONS * 2; i++) {
                long start = System.nanoTime();
                insert.setString(1, "customer-" + (i % 64));
                insert.executeUpdate();
                if (withOutbox) {
                    outbox.publish(c, TOPIC, event(i));
                }
                c.commit();
                if (i >= COST_TRANSACTIONS) { // the first half warms up
                    histogram.recordValue((System.nanoTime() - start) / 1000);
                }
            }
        }
        clearOutbox(ds);
        return histogram;
    }

    /** Several threads committing business transactions for 5 s; transactions per second. */
    private static double concurrentRate(DataSource ds, boolean withOutbox) throws Exception {
        AtomicLong committed = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < CONCURRENT_WRITERS; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                Outbox outbox = Outbox.create();
                try (Connection c = ds.getConnection();
                     PreparedStatement insert = c.prepareStatement("INSERT INTO orders (customer, total) VALUES (?, 99.98)")) {
                    c.setAutoCommit(false);
                    for (int i = 0; System.nanoTime() < end; i++) {
                        insert.setString(1, "customer-" + (i % 64));
                        insert.executeUpdate();
                        if (withOutbox) {
                            outbox.publish(c, TOPIC, event(i));
                        }
                        c.commit();
                        committed.incrementAndGet();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        long start = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        double rate = committed.get() / ((System.nanoTime() - start) / 1e9);
        clearOutbox(ds);
        return rate;
    }

    private static void clearOutbox(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE herald_outbox, herald_outbox_commit, orders");
        }
    }
}
