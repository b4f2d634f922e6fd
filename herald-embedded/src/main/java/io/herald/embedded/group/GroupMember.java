package io.herald.embedded.group;

import io.herald.broker.BrokerClosedException;
import io.herald.broker.Delivery;
import io.herald.broker.StorageException;
import io.herald.broker.TopicNotFoundException;
import io.herald.embedded.topic.Wakeup;
import io.herald.log.LogClosedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One consumer of a subscription: it keeps its {@link Claim}s in step with the group's
 * assignment and polls them for deliveries. Pull consumers use it directly; push consumers run it
 * in a loop. Each poll is the member's heartbeat.
 *
 * <p>Threading: one thread polls at a time; {@link #wake}, {@link #terminate} and deliveries'
 * ends may come from any thread.
 */
final class GroupMember {

    private static final AtomicLong IDS = new AtomicLong();
    private static final long MAX_WAIT_SLICE_NANOS = Duration.ofMillis(50).toNanos();

    private final SubscriptionGroup group;
    private final Duration sessionTimeout;
    private final Wakeup wakeup = new Wakeup();
    private final Runnable wakeOnAppend = wakeup::fire;
    private final Map<Integer, Claim> claims = new LinkedHashMap<>();
    private String id;
    private volatile boolean evicted;
    private volatile boolean terminated;
    private volatile boolean inPoll;
    private volatile long lastSeenNanos = System.nanoTime();
    private int rotation;
    private int seenRedrives;

    GroupMember(SubscriptionGroup group, Duration sessionTimeout) {
        this.group = group;
        this.sessionTimeout = sessionTimeout;
        this.id = newId();
    }

    private static String newId() {
        return "member-" + IDS.incrementAndGet();
    }

    String id() {
        return id;
    }

    SubscriptionGroup group() {
        return group;
    }

    void join() {
        group.join(this);
    }

    void wake() {
        wakeup.fire();
    }

    void markEvicted() {
        evicted = true;
        wakeup.fire();
    }

    void terminate() {
        terminated = true;
        wakeup.fire();
    }

    boolean isTerminated() {
        return terminated;
    }

    /** Presumed dead: not polling, and silent for longer than its session timeout. */
    boolean isExpired(long nowNanos) {
        return !inPoll && nowNanos - lastSeenNanos > sessionTimeout.toNanos();
    }

    /** Counts as a sign of life (a delivery's {@code extend}). */
    void heartbeat() {
        lastSeenNanos = System.nanoTime();
    }

    Duration sessionTimeout() {
        return sessionTimeout;
    }

    /** The claims held now, for statistics. */
    List<Claim> claims() {
        synchronized (claims) {
            return List.copyOf(claims.values());
        }
    }

    Set<Integer> assignment() {
        synchronized (claims) {
            return new TreeSet<>(claims.keySet());
        }
    }

    List<Delivery> poll(int max, Duration wait) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        inPoll = true;
        lastSeenNanos = System.nanoTime();
        try {
            long deadline = System.nanoTime() + wait.toNanos();
            while (true) {
                checkUsable();
                syncAssignment();
                List<Delivery> out;
                try {
                    out = collect(max);
                } catch (LogClosedException e) {
                    checkUsable();
                    throw new StorageException("subscription '" + group.name() + "' lost its log: " + e.getMessage(), e);
                }
                commitProgress();
                long remaining = deadline - System.nanoTime();
                if (!out.isEmpty() || remaining <= 0) {
                    return out;
                }
                wakeup.await(Math.min(remaining, MAX_WAIT_SLICE_NANOS));
            }
        } finally {
            lastSeenNanos = System.nanoTime();
            inPoll = false;
        }
    }

    private void checkUsable() {
        if (terminated) {
            if (group.isClosed()) {
                throw new TopicNotFoundException(group.topic().name());
            }
            throw new BrokerClosedException("consumer " + id + " of subscription '" + group.name() + "'");
        }
        if (evicted) {
            // presumed dead while it was away; it is alive after all, so it rejoins as a new member
            dropClaims();
            evicted = false;
            id = newId();
            group.join(this);
        }
    }

    private void syncAssignment() {
        synchronized (claims) {
            var it = claims.values().iterator();
            while (it.hasNext()) {
                Claim claim = it.next();
                if (!group.isTarget(claim.index(), this)) {
                    commit(claim);
                    it.remove();
                    close(claim);
                    group.release(this, claim.index());
                }
            }
            for (Claim claim : group.acquire(this)) {
                claims.put(claim.index(), claim);
                claim.partition().addListener(wakeOnAppend);
            }
            int redrives = group.redriveGeneration();
            if (redrives != seenRedrives) {
                seenRedrives = redrives;
                claims.values().forEach(group::loadRedrives);
            }
        }
    }

    private List<Delivery> collect(int max) {
        List<Claim> held;
        synchronized (claims) {
            if (claims.isEmpty()) {
                return List.of();
            }
            held = new ArrayList<>(claims.values());
        }
        List<Delivery> out = null;
        long now = System.nanoTime();
        long leaseDeadlineMillis = System.currentTimeMillis() + sessionTimeout.toMillis();
        int start = rotation++;
        int taken = 0;
        for (int i = 0; i < held.size() && taken < max; i++) {
            Claim claim = held.get(Math.floorMod(start + i, held.size()));
            Claim.Next next;
            while (taken < max && (next = claim.next(now)) != null) {
                if (out == null) {
                    out = new ArrayList<>(Math.min(max, 64));
                }
                out.add(new PartitionDelivery(this, claim, next, group.name(), leaseDeadlineMillis));
                taken++;
                if (next.redrive() != null) {
                    break; // a redriven dead letter goes alone: the partition waits for its outcome
                }
            }
        }
        return out == null ? List.of() : out;
    }

    /** Commits what each claim acknowledged since the last commit. */
    void commitProgress() {
        synchronized (claims) {
            claims.values().forEach(this::commit);
        }
    }

    private void commit(Claim claim) {
        long point = claim.commitPoint();
        if (point > claim.lastCommitted() && group.commit(this, claim.index(), point)) {
            claim.committed(point);
        }
    }

    /** Commits, releases every partition and leaves the group. */
    void leave() {
        synchronized (claims) {
            claims.values().forEach(this::commit);
        }
        dropClaims();
        group.leave(this);
    }

    private void dropClaims() {
        synchronized (claims) {
            claims.values().forEach(this::close);
            claims.clear();
        }
    }

    private void close(Claim claim) {
        claim.release();
        claim.partition().removeListener(wakeOnAppend);
    }
}
