package io.herald.embedded.dispatch;

import io.herald.broker.Position;
import io.herald.delivery.DeadLetterIntent;
import io.herald.delivery.DeadLetterWrite;
import io.herald.delivery.Entry;
import io.herald.delivery.FailureRecord;
import io.herald.delivery.Window;
import io.herald.embedded.deadletter.DeadLetterIntents;
import io.herald.embedded.deadletter.DeadLetterSink;
import io.herald.embedded.meta.DeliveryStateStore;
import io.herald.embedded.topic.Topic;
import io.herald.event.Event;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The window's writes for one subscription, to the delivery state store and the dead-letter topic:
 * retry records, dead letters, settlements and parked keys. The window asks for them with the
 * dispatcher's lock held; what a write's completion changes in the window goes back to the
 * {@link Dispatcher}, which takes its lock for it.
 */
final class StateWrites implements Window.Effects {

    /** Under the dispatcher's name: these are its writes. */
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Where a write's completion takes the lock: never on the store's own thread. */
    private static final Executor CALLBACKS = Executors.newVirtualThreadPerTaskExecutor();

    private final Dispatcher dispatcher;
    private final Topic topic;
    private final String name;
    private final String deadLetterTopic;
    private final DeliveryStateStore states;
    private final DeadLetterSink deadLetters;
    private final StoredState storedState;
    private final DeadLetterIntents intents;

    StateWrites(Dispatcher dispatcher, Topic topic, String name, String deadLetterTopic, DeliveryStateStore states,
                DeadLetterSink deadLetters, StoredState storedState) {
        this.dispatcher = dispatcher;
        this.topic = topic;
        this.name = name;
        this.deadLetterTopic = deadLetterTopic;
        this.states = states;
        this.deadLetters = deadLetters;
        this.storedState = storedState;
        this.intents = new DeadLetterIntents(deadLetters, states, deadLetterTopic, topic, name);
    }

    @Override
    public boolean recordRetry(Entry e, int epoch) {
        if (e.isRedrive()) {
            states.addRedrive(topic.name(), name, storedState.redrive(e.redriveKey()).withState(stateOf(e)));
        } else {
            states.recordFailure(topic.name(), name, e.partition(), e.offset(), stateOf(e));
        }
        // the retry waits for its record to be on disk, so no crash brings it back as an earlier attempt
        states.flush().whenCompleteAsync((ignored, error) -> {
            if (error != null) {
                LOG.warn("subscription '{}' on '{}': the retry record of {} was not written ({}); it is kept in memory only",
                        name, topic.name(), e, error.toString());
            }
            dispatcher.recorded(e, epoch);
        }, CALLBACKS);
        return false;
    }

    @Override
    public void deadLetter(Entry e, int epoch, String reason) {
        FailureRecord f = e.failures();
        Event event = e.stored().event();
        Position original = e.originalPosition();
        DeliveryStateStore.Redrive redrive = e.isRedrive() ? storedState.redrive(e.redriveKey()) : null;
        DeadLetterIntent resumed = e.resumedIntent();
        DeadLetterWrite.Intent intent = intents.of(e.isRedrive() ? null : new Position(e.partition(), e.offset()), redrive, stateOf(e),
                reason, original, resumed == null ? null : resumed.ends());
        // the event is not done until its dead letter is on disk: tried again while it is ours,
        // and looked for first whenever an earlier write may have landed
        DeadLetterWrite.exactlyOnce(intent, resumed != null,
                        () -> deadLetters.write(deadLetterTopic, topic, event, name, original,
                                f.attempts(), f.firstFailure(), f.lastFailure(), f.errorClass(), f.error(), reason),
                        () -> dispatcher.awaitsDeadLetter(e, epoch),
                        error -> LOG.warn("cannot write a dead letter of subscription '{}' to '{}'; trying again in {}",
                                name, deadLetterTopic, DeadLetterWrite.RETRY_DELAY, error))
                .thenAccept(written -> {
                    if (written) {
                        dispatcher.deadLettered(e, epoch);
                    }
                });
    }

    @Override
    public void settled(Entry e, boolean deadLettered) {
        if (e.isRedrive()) {
            DeliveryStateStore.Redrive r = storedState.forgetRedrive(e.redriveKey());
            states.removeRedrive(topic.name(), name, r.deadLetterTopic(), r.partition(), r.offset());
        } else {
            states.settle(topic.name(), name, e.partition(), e.offset(), deadLettered);
        }
    }

    @Override
    public void forgotten(int partition, long offset) {
        // the store forgets the records below a cursor as it is handed over
    }

    @Override
    public void parked(Entry e) {
        states.park(topic.name(), name, e.key());
    }

    @Override
    public void unparked(int partition, String key) {
        states.unpark(topic.name(), name, key);
    }

    private static DeliveryStateStore.OffsetState stateOf(Entry e) {
        FailureRecord f = e.failures();
        return new DeliveryStateStore.OffsetState(f.attempts(), e.dueAt(), f.firstFailure().toEpochMilli(),
                f.lastFailure().toEpochMilli(), f.errorClass(), f.error(), false, false);
    }
}
