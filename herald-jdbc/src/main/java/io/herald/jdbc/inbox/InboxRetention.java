package io.herald.jdbc.inbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Inbox#deleteExpired} every period on a daemon thread of its own until closed. A
 * failed run (the database is away) is logged and the next one tries again. Thread-safe.
 */
public final class InboxRetention implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InboxRetention.class);

    private final ScheduledExecutorService scheduler;

    private InboxRetention(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    public static InboxRetention start(DataSource dataSource, Inbox inbox, Duration period) {
        Objects.requireNonNull(dataSource, "dataSource must not be null");
        Objects.requireNonNull(inbox, "inbox must not be null");
        if (period == null || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("the inbox retention period must be positive, got " + period);
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("herald-inbox-retention").daemon(true).factory());
        scheduler.scheduleWithFixedDelay(() -> {
            try (Connection connection = dataSource.getConnection()) {
                long deleted = inbox.deleteExpired(connection);
                LOG.debug("inbox retention deleted {} expired records", deleted);
            } catch (SQLException | RuntimeException e) {
                LOG.warn("inbox retention failed; trying again in {}", period, e);
            }
        }, 0, period.toNanos(), TimeUnit.NANOSECONDS);
        return new InboxRetention(scheduler);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
