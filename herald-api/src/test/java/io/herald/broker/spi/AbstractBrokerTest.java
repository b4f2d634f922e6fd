package io.herald.broker.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.broker.Broker;
import io.herald.broker.BrokerClosedException;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.InvalidNameException;
import io.herald.broker.Position;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicReader;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The checks every backend gets from {@link AbstractBroker}, before any backend code runs. */
class AbstractBrokerTest {

    private static final Event EVENT = Event.builder().id("1").source("/test").type("t").build();

    /** A backend that only counts how often its code is reached. */
    private static final class Counting extends AbstractBroker {
        final AtomicInteger reached = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();

        @Override
        protected String describe() {
            return "the counting broker";
        }

        private <T> T reached() {
            reached.incrementAndGet();
            return null;
        }

        @Override
        protected TopicInfo doCreateTopic(String name, TopicSpec spec) {
            return reached();
        }

        @Override
        protected List<TopicInfo> doListTopics() {
            return reached();
        }

        @Override
        protected TopicInfo doDescribeTopic(String name) {
            return reached();
        }

        @Override
        protected void doDeleteTopic(String name) {
            reached();
        }

        @Override
        protected CompletableFuture<Position> doPublish(String topic, Event event) {
            return reached();
        }

        @Override
        protected CompletableFuture<List<Position>> doPublish(String topic, List<Event> events) {
            return reached();
        }

        @Override
        protected CompletableFuture<Void> doPublishAt(String topic, List<Event> events, Instant deliverAt) {
            return reached();
        }

        @Override
        protected Subscriber doSubscribe(String topic, String subscription, SubscriptionSpec spec, DeliveryHandler handler) {
            return reached();
        }

        @Override
        protected PullSubscriber doPullSubscriber(String topic, String subscription, SubscriptionSpec spec) {
            return reached();
        }

        @Override
        protected TopicReader doReader(String topic, StartPosition from) {
            return reached();
        }

        @Override
        protected List<SubscriptionInfo> doListSubscriptions(String topic) {
            return reached();
        }

        @Override
        protected SubscriptionInfo doDescribeSubscription(String topic, String subscription) {
            return reached();
        }

        @Override
        protected void doResetSubscription(String topic, String subscription, StartPosition to) {
            reached();
        }

        @Override
        protected void doDeleteSubscription(String topic, String subscription) {
            reached();
        }

        @Override
        protected DeadLetterQueue doDeadLetters(String topic, String subscription) {
            return reached();
        }

        @Override
        protected void doClose() {
            closes.incrementAndGet();
        }
    }

    /** Every abstract method of {@link Broker} but close, found by reflection so that a new one is covered too. */
    private static List<Method> operations() {
        return Arrays.stream(Broker.class.getMethods())
                .filter(m -> Modifier.isAbstract(m.getModifiers()) && !m.getName().equals("close"))
                .toList();
    }

    /** Valid arguments for any operation. */
    private static Object[] validArguments(Method m) {
        return Arrays.stream(m.getParameterTypes()).map(type -> {
            if (type == String.class) {
                return "orders";
            }
            if (type == TopicSpec.class) {
                return TopicSpec.partitions(1);
            }
            if (type == Event.class) {
                return EVENT;
            }
            if (type == List.class) {
                return List.of(EVENT);
            }
            if (type == Instant.class) {
                return Instant.EPOCH;
            }
            if (type == SubscriptionSpec.class) {
                return SubscriptionSpec.defaults();
            }
            if (type == DeliveryHandler.class) {
                return (DeliveryHandler) d -> { };
            }
            if (type == StartPosition.class) {
                return StartPosition.earliest();
            }
            throw new AssertionError("no valid argument of " + type + " for " + m);
        }).toArray();
    }

    private static Throwable call(Broker broker, Method m, Object[] args) {
        try {
            m.invoke(broker, args);
            return null;
        } catch (InvocationTargetException e) {
            return e.getCause();
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void validArgumentsReachTheBackendOnce() {
        Counting broker = new Counting();
        for (Method m : operations()) {
            int before = broker.reached.get();
            assertThat(call(broker, m, validArguments(m))).as(m.toString()).isNull();
            assertThat(broker.reached.get()).as(m.toString()).isEqualTo(before + 1);
        }
    }

    @Test
    void aClosedBrokerRefusesEveryOperationNamingItselfAndReachesNoBackendCode() {
        Counting broker = new Counting();
        broker.close();
        for (Method m : operations()) {
            assertThat(call(broker, m, validArguments(m))).as(m.toString())
                    .isInstanceOf(BrokerClosedException.class)
                    .hasMessageContaining("the counting broker");
        }
        assertThat(broker.reached).hasValue(0);
    }

    @Test
    void aNullArgumentOtherThanANameIsRefusedBeforeTheBackendIsReached() {
        Counting broker = new Counting();
        List<String> refused = new ArrayList<>();
        for (Method m : operations()) {
            Class<?>[] types = m.getParameterTypes();
            for (int i = 0; i < types.length; i++) {
                if (types[i] == String.class) {
                    continue; // names are the backend's registries' to resolve, and a subscription name is checked below
                }
                Object[] args = validArguments(m);
                args[i] = null;
                assertThat(call(broker, m, args)).as(m + " with argument " + i + " null").isInstanceOf(NullPointerException.class);
                refused.add(m.getName() + "#" + i);
            }
        }
        assertThat(refused).isNotEmpty();
        assertThat(broker.reached).hasValue(0);
    }

    @Test
    void aNullEventInAListIsRefusedBeforeTheBackendIsReached() {
        Counting broker = new Counting();
        List<Event> withNull = Arrays.asList(EVENT, null);
        assertThatThrownBy(() -> broker.publish("orders", withNull)).isInstanceOf(NullPointerException.class)
                .hasMessage("events contains null");
        assertThatThrownBy(() -> broker.publishAt("orders", withNull, Instant.EPOCH)).isInstanceOf(NullPointerException.class)
                .hasMessage("events contains null");
        assertThat(broker.reached).hasValue(0);
    }

    @Test
    void anInvalidSubscriptionNameIsRefusedBeforeTheBackendIsReached() {
        Counting broker = new Counting();
        assertThatThrownBy(() -> broker.subscribe("orders", "bad/name", SubscriptionSpec.defaults(), d -> { }))
                .isInstanceOf(InvalidNameException.class);
        assertThatThrownBy(() -> broker.pullSubscriber("orders", "", SubscriptionSpec.defaults()))
                .isInstanceOf(InvalidNameException.class);
        assertThatThrownBy(() -> broker.deadLetters("orders", "__internal")).isInstanceOf(InvalidNameException.class);
        assertThat(broker.reached).hasValue(0);
    }

    @Test
    void closeReleasesTheBackendOnceHoweverManyCallItAtOnce() throws Exception {
        for (int round = 0; round < 200; round++) {
            Counting broker = new Counting();
            CyclicBarrier start = new CyclicBarrier(4);
            List<Thread> closers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread t = Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    broker.close();
                });
                closers.add(t);
            }
            for (Thread t : closers) {
                t.join();
            }
            assertThat(broker.closes).as("round " + round).hasValue(1);
        }
    }
}
