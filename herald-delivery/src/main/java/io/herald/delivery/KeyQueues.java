package io.herald.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Per-key order of a {@code KEY} partition: a queue per key of its unfinished entries, of which
 * only the head may go, and the keys parked at a dead letter, of which none may. Whenever an
 * entry may go now, it is handed to the {@code go} action of the call (the window schedules it).
 */
final class KeyQueues {

    /**
     * Queues left empty stay in {@link #queues} until there are this many, and more than
     * non-empty ones: a key's next event most often comes while the window still holds the key,
     * and keeping its queue spares a map removal, an insertion and a queue per event.
     */
    static final int EMPTY_KEPT = 4096;

    private final Map<String, ArrayDeque<Entry>> queues = new HashMap<>();
    private final Set<String> parked = new HashSet<>();
    private int empty;

    /** The entry joins its key's queue: a redriven one goes before the key's own events. */
    void add(Entry e, Consumer<Entry> go) {
        ArrayDeque<Entry> queue = queues.get(e.key);
        if (queue == null) {
            queue = new ArrayDeque<>(2);
            queues.put(e.key, queue);
        } else if (queue.isEmpty()) {
            empty--;
        }
        queue.addLast(e);
        e.keyQueue = queue;
        if (e.isRedrive()) {
            arrange(e.key, go);
        } else if (queue.size() == 1 && !parked.contains(e.key)) {
            go.accept(e);
        }
    }

    /**
     * Puts a key's queue in order: the entries out (leased or being settled), then the dead letters
     * redriven to the key, oldest redrive first, then the key's own events in offset order. A
     * redriven event is older than everything else waiting, so it goes first; the same rule holds
     * after a restart, when nothing is out. Only the head may go, and not while the key is parked;
     * a head that lost its place waits again.
     */
    void arrange(String key, Consumer<Entry> go) {
        ArrayDeque<Entry> queue = queues.get(key);
        if (queue == null || queue.isEmpty()) {
            return;
        }
        Entry oldHead = queue.peekFirst();
        List<Entry> out = new ArrayList<>(1);
        List<Entry> redriven = new ArrayList<>(1);
        List<Entry> own = new ArrayList<>(queue.size());
        for (Entry x : queue) {
            (x.isOut() ? out : x.isRedrive() ? redriven : own).add(x);
        }
        queue.clear();
        queue.addAll(out);
        queue.addAll(redriven);
        queue.addAll(own);
        Entry head = queue.peekFirst();
        if (oldHead != head) {
            block(oldHead);
        }
        if (head.state == Entry.State.BLOCKED && !parked.contains(key)) {
            go.accept(head);
        }
    }

    /** The entry is done: it leaves its key's queue, and the next of the key may go. */
    void remove(Entry e, Consumer<Entry> go) {
        ArrayDeque<Entry> queue = e.keyQueue;
        if (queue.peekFirst() == e) {
            queue.pollFirst();
        } else {
            queue.remove(e);
        }
        Entry head = queue.peekFirst();
        if (head == null) {
            if (++empty > EMPTY_KEPT && empty > queues.size() / 2) {
                queues.values().removeIf(ArrayDeque::isEmpty);
                empty = 0;
            }
        } else if (head.state == Entry.State.BLOCKED && !parked.contains(e.key)) {
            go.accept(head);
        }
    }

    /** Keys with a queue in memory, empty or not (for a test that they stay bounded). */
    int keysHeld() {
        return queues.size();
    }

    boolean isParked(String key) {
        return parked.contains(key);
    }

    /** The key waits at a dead letter: its head, if waiting to go, waits again. False if it was parked already. */
    boolean park(String key) {
        if (!parked.add(key)) {
            return false;
        }
        ArrayDeque<Entry> queue = queues.get(key);
        if (queue != null && !queue.isEmpty()) {
            block(queue.peekFirst());
        }
        return true;
    }

    /** The key may go on; the caller then {@link #arrange arranges} it. False if it was not parked. */
    boolean unpark(String key) {
        return parked.remove(key);
    }

    /** A head that lost its place: its place in the ready queue, or its timer, no longer counts. */
    static void block(Entry e) {
        if (e.state == Entry.State.READY || e.state == Entry.State.DELAYED) {
            e.state = Entry.State.BLOCKED;
            e.epoch++;
        }
    }
}
