package io.herald.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.broker.Broker;
import io.herald.broker.Delivery;
import io.herald.broker.PullSubscriber;
import io.herald.broker.SubscriptionSpec;
import io.herald.testkit.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guarantee 2 across crashes: a consumer process killed with {@code kill -9} mid-stream, several
 * times, then a consumer after it: every event is handled at least once (none skipped), and the
 * committed cursor survived each crash, so work already done is mostly not repeated.
 */
class ConsumerCrashIT {

    @TempDir
    Path dir;

    @Test
    void noEventIsSkippedAcrossConsumerCrashesAndRebalances() throws Exception {
        int rounds = Math.max(3, Integer.getInteger("herald.crash.rounds", 20) / 4);
        Random random = new Random();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        for (int round = 0; round < rounds; round++) {
            int before = handled.size();
            try (ChildJvm child = ChildJvm.start(CrashConsumer.class, line -> {
                if (line.startsWith("DONE ")) {
                    handled.add(line.substring(5));
                }
            }, dir.toString())) {
                await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() > before + 50 || !child.isAlive()
                        || handled.size() == CrashConsumer.EVENTS);
                assertThat(child.isAlive()).as("child alive; stderr:%n%s", child.stderr()).isTrue();
                long until = System.nanoTime() + Duration.ofMillis(random.nextInt(300)).toNanos();
                await().pollInterval(Duration.ofMillis(5)).until(() -> System.nanoTime() >= until);
                child.kill();
            }
        }
        Set<String> afterCrashes = new HashSet<>();
        try (Broker broker = EmbeddedBroker.open(dir);
             PullSubscriber last = broker.pullSubscriber(CrashConsumer.TOPIC, CrashConsumer.SUBSCRIPTION, SubscriptionSpec.defaults())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (Delivery d : last.poll(1000, Duration.ofMillis(100))) {
                    afterCrashes.add(d.event().id());
                    d.ack();
                }
                return broker.describeSubscription(CrashConsumer.TOPIC, CrashConsumer.SUBSCRIPTION).lag() == 0
                        && last.poll(1, Duration.ZERO).isEmpty();
            });
        }
        Set<String> all = new HashSet<>(handled);
        all.addAll(afterCrashes);
        assertThat(all).as("every event handled at least once").hasSize(CrashConsumer.EVENTS);
        // cursors were committed and survived the kills: the last consumer did not start over
        assertThat(afterCrashes).hasSizeLessThan(CrashConsumer.EVENTS);
    }
}
