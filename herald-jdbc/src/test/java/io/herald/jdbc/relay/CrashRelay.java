package io.herald.jdbc.relay;

import io.herald.broker.Broker;
import io.herald.broker.Position;
import io.herald.embedded.EmbeddedBroker;
import io.herald.event.Event;
import io.herald.jdbc.ControlledBroker;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The victim of {@link RelayCrashIT}: an outbox relay on the embedded broker that prints
 * {@code LEADER} once it leads and {@code ACKED n} each time the broker acknowledged a batch of n,
 * then holds the acknowledgement back for a moment before the relay may delete the rows: the window
 * in which the test kills it. Runs until killed.
 */
public final class CrashRelay {

    public static void main(String[] args) throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(args[0]);
        ds.setUser("postgres");
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Broker broker = new SlowAcks(EmbeddedBroker.open(Path.of(args[1])), out);
        OutboxRelay relay = OutboxRelay.start(ds, broker, RelayConfig.defaults().withBatchSize(40).withPollInterval(Duration.ofMillis(50)));
        while (!relay.isLeader()) {
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
        out.println("LEADER");
        Thread.currentThread().join();
    }

    /** Reports each acknowledgement, then delays it by 40 ms. */
    private static final class SlowAcks extends ControlledBroker {
        private final PrintStream out;

        SlowAcks(Broker broker, PrintStream out) {
            super(broker);
            this.out = out;
        }

        @Override
        public CompletableFuture<List<Position>> publish(String topic, List<Event> events) {
            return super.publish(topic, events).thenApplyAsync(positions -> {
                out.println("ACKED " + positions.size());
                LockSupport.parkNanos(Duration.ofMillis(40).toNanos());
                return positions;
            });
        }
    }
}
