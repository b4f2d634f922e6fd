package io.herald.jdbc.relay;

import io.herald.broker.Broker;
import io.herald.event.Event;
import io.herald.event.EventBinaryFormat;
import io.herald.jdbc.HeraldJdbcException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes committed outbox rows to their topics through the Broker API, in commit order, and
 * deletes each row only after the broker acknowledged it.
 *
 * <h2>Commit order without gaps</h2>
 * PostgreSQL hands out sequence numbers when rows are inserted, not when transactions commit: a
 * transaction holding id 7 may commit after one holding id 8, and a relay that had moved past 8
 * would skip 7 for good (the bug of "high water mark" relays that give up waiting on a gap).
 * Herald numbers transactions instead, at commit: a deferred constraint trigger on
 * {@code herald_outbox} takes a transaction-scoped advisory lock, inserts the transaction's row into
 * {@code herald_outbox_commit} with the next {@code seq}, and the lock is released only after the
 * commit is visible. So {@code seq} n+1 is assigned only after n committed (or rolled back and
 * vanished), and a reader that sees n+1 has already seen n. The relay reads rows ordered by
 * {@code (seq, id)}: the order transactions committed, and within one the order it wrote. Nothing
 * is ever skipped and nothing needs waiting out. The cost is that outbox-writing transactions commit
 * one at a time; only the commit itself is serialized, not the business transaction.
 *
 * <h2>Several relays</h2>
 * Each relay holds one dedicated connection. The one whose session holds the outbox's leader lock (a
 * session-level advisory lock) relays; the others stand by and try for the lock every poll
 * interval. A relay that dies loses its session and with it the lock, so a standby takes over
 * within a poll interval. Reading, publishing and deleting happen on the lock's own connection, so a
 * relay that lost its session cannot delete anything afterwards.
 *
 * <h2>Failures</h2>
 * A batch is published, its acknowledgements awaited, and only then are its rows deleted. If the
 * broker fails or times out, the rows stay and the relay retries after an exponential backoff
 * with jitter; if the database fails, the relay reconnects the same way. A crash between the
 * acknowledgement and the delete publishes those rows again: delivery is at least once, and
 * {@link io.herald.jdbc.inbox.Inbox} makes the duplicates harmless. A row the broker keeps
 * refusing (for example to a topic that does not exist) is retried, never skipped: skipping would
 * break the order; {@link RelayStats#lastError()} says why the outbox is stuck.
 *
 * <p>Thread-safe: one relay thread does the work; {@link #stats()} and {@link #close()} may be
 * called from any thread.
 */
public final class OutboxRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    /** Longest single wait for a notification, so that close() is noticed quickly. */
    private static final int LISTEN_SLICE_MILLIS = 200;

    private enum State { RUNNING, CLOSED }

    private final DataSource dataSource;
    private final Broker broker;
    private final RelayConfig config;
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicLong relayedTotal = new AtomicLong();
    private final RelayRate rate = new RelayRate();
    private volatile boolean leader;
    private volatile String lastError;
    private final Thread thread;

    private OutboxRelay(DataSource dataSource, Broker broker, RelayConfig config) {
        this.dataSource = dataSource;
        this.broker = broker;
        this.config = config;
        this.thread = Thread.ofPlatform().name("herald-outbox-relay").daemon(true).unstarted(this::run);
    }

    /**
     * Starts relaying the outbox found on the data source's connections (their search_path) to the
     * broker. Returns at once; a database or broker that is not there yet is retried.
     */
    public static OutboxRelay start(DataSource dataSource, Broker broker, RelayConfig config) {
        OutboxRelay relay = new OutboxRelay(
                Objects.requireNonNull(dataSource, "dataSource must not be null"),
                Objects.requireNonNull(broker, "broker must not be null"),
                Objects.requireNonNull(config, "config must not be null; use RelayConfig.defaults()"));
        relay.thread.start();
        return relay;
    }

    public static OutboxRelay start(DataSource dataSource, Broker broker) {
        return start(dataSource, broker, RelayConfig.defaults());
    }

    /** Whether this relay is the active one of its outbox. */
    public boolean isLeader() {
        return leader;
    }

    /** The backlog (read from the database now) and this relay's own counters. */
    public RelayStats stats() {
        OutboxTable.Backlog backlog;
        try (Connection connection = dataSource.getConnection()) {
            backlog = OutboxTable.backlog(connection);
        } catch (SQLException e) {
            throw new HeraldJdbcException("could not read the outbox backlog: " + e.getMessage(), e);
        }
        return new RelayStats(backlog.pending(), backlog.oldestAge(), rate.perSecond(System.currentTimeMillis()),
                relayedTotal.get(), leader, Optional.ofNullable(lastError));
    }

    /**
     * Stops relaying and closes the relay's connection, which hands leadership to a standby. A
     * batch in flight is either finished or left in the outbox to be published again.
     */
    @Override
    public void close() {
        if (!state.compareAndSet(State.RUNNING, State.CLOSED)) {
            return;
        }
        closed.countDown();
        try {
            thread.join(Duration.ofSeconds(1));
            if (thread.isAlive()) {
                thread.interrupt(); // stop waiting for a broker acknowledgement
                thread.join(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean running() {
        return state.get() == State.RUNNING;
    }

    private void run() {
        Backoff backoff = new Backoff(config.minBackoff(), config.maxBackoff());
        Connection connection = null;
        String schema = null;
        while (running()) {
            try {
                if (connection == null) {
                    connection = dataSource.getConnection();
                    connection.setAutoCommit(true);
                    schema = OutboxTable.schema(connection);
                    OutboxTable.listen(connection);
                }
                if (!leader) {
                    leader = OutboxTable.tryLead(connection, schema);
                    if (leader) {
                        LOG.info("this relay leads the outbox in schema {}", schema);
                    }
                }
                if (leader) {
                    relayAll(connection);
                }
                lastError = null;
                backoff.reset();
                awaitNotification(connection);
            } catch (SQLException | HeraldJdbcException e) {
                failed("the database failed", e, backoff);
                closeQuietly(connection);
                connection = null;
                leader = false;
            } catch (PublishFailedException e) {
                failed("the broker failed", e, backoff);
            } catch (RuntimeException e) {
                // a bug or a broker that throws something unexpected: keep the outbox moving anyway
                failed("the relay failed", e, backoff);
            }
        }
        closeQuietly(connection); // ends the session, which releases the leader lock
        leader = false;
    }

    private void failed(String what, Exception e, Backoff backoff) {
        if (!running()) {
            return;
        }
        Duration wait = backoff.next();
        lastError = what + ": " + e.getMessage();
        LOG.warn("{}; the outbox rows stay and are retried in {} ms", lastError, wait.toMillis(), e);
        pause(wait);
    }

    /** Publishes batches until the outbox is empty (or a batch fails, which throws). */
    private void relayAll(Connection connection) throws SQLException {
        while (running()) {
            List<PendingRow> rows = OutboxTable.next(connection, config.batchSize());
            if (rows.isEmpty()) {
                return;
            }
            publish(connection, rows, rows.size() == config.batchSize());
            if (rows.size() < config.batchSize()) {
                return;
            }
        }
    }

    /**
     * Publishes one batch, one broker call per topic (each keeps its rows' order), awaits every
     * acknowledgement, then deletes the rows of the topics that were acknowledged. {@code cut}
     * says the batch may have ended inside a transaction, whose commit number must then stay.
     */
    private void publish(Connection connection, List<PendingRow> rows, boolean cut) throws SQLException {
        Map<String, List<PendingRow>> byTopic = new LinkedHashMap<>();
        for (PendingRow row : rows) {
            byTopic.computeIfAbsent(row.topic(), t -> new ArrayList<>()).add(row);
        }
        Map<String, CompletableFuture<?>> acks = new LinkedHashMap<>();
        Map<String, Throwable> failures = new LinkedHashMap<>();
        byTopic.forEach((topic, topicRows) -> {
            try {
                List<Event> events = new ArrayList<>(topicRows.size());
                for (PendingRow row : topicRows) {
                    events.add(EventBinaryFormat.decode(row.event(), 0, row.event().length));
                }
                acks.put(topic, broker.publish(topic, events));
            } catch (RuntimeException e) {
                failures.put(topic, e);
            }
        });
        long deadline = System.nanoTime() + config.publishTimeout().toNanos();
        List<PendingRow> published = new ArrayList<>(rows.size());
        for (var ack : acks.entrySet()) {
            try {
                ack.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                published.addAll(byTopic.get(ack.getKey()));
            } catch (ExecutionException e) {
                failures.put(ack.getKey(), e.getCause());
            } catch (TimeoutException e) {
                failures.put(ack.getKey(), new TimeoutException("no acknowledgement within " + config.publishTimeout()));
            } catch (InterruptedException e) {
                // closing: what was not deleted is published again by the next leader
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!published.isEmpty()) {
            OutboxTable.delete(connection, published.stream().mapToLong(PendingRow::id).toArray());
            relayedTotal.addAndGet(published.size());
            rate.add(published.size(), System.currentTimeMillis());
        }
        if (failures.isEmpty()) {
            OutboxTable.forgetCommits(connection, rows.getLast().commitSeq(), !cut);
            return;
        }
        var first = failures.entrySet().iterator().next();
        throw new PublishFailedException("publishing " + byTopic.get(first.getKey()).size() + " outbox rows to topic '"
                + first.getKey() + "' failed" + (failures.size() > 1 ? " (and to " + (failures.size() - 1) + " more topics)" : "")
                + ": " + first.getValue(), first.getValue());
    }

    /** Waits up to the poll interval for a NOTIFY from a committing writer. */
    private void awaitNotification(Connection connection) throws SQLException {
        PGConnection pg = unwrap(connection);
        long deadline = System.nanoTime() + config.pollInterval().toNanos();
        while (running()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return;
            }
            PGNotification[] notifications = pg.getNotifications((int) Math.min(left, LISTEN_SLICE_MILLIS));
            if (notifications != null && notifications.length > 0) {
                return;
            }
        }
    }

    private static PGConnection unwrap(Connection connection) throws SQLException {
        if (!connection.isWrapperFor(PGConnection.class)) {
            throw new HeraldJdbcException("the outbox relay needs PostgreSQL's JDBC driver (org.postgresql) to LISTEN for"
                    + " new rows; the data source gave a " + connection.getClass().getName());
        }
        return connection.unwrap(PGConnection.class);
    }

    private void pause(Duration wait) {
        try {
            closed.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ends the relay's use of its connection. A pooled connection goes back to the pool with its
     * session still open, so the leader lock and the LISTEN are given up explicitly first; if that
     * fails the physical connection is closed, so no pooled session keeps the lock.
     */
    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try (var s = connection.createStatement()) {
            s.execute("UNLISTEN *; SELECT pg_advisory_unlock_all()");
        } catch (SQLException e) {
            try {
                ((Connection) connection.unwrap(PGConnection.class)).close();
            } catch (SQLException ignored) {
                // it is gone either way
            }
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing the relay's connection failed", e);
        }
    }
}
