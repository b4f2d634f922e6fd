package io.herald.event;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Event ids: UUID version 7 (RFC 9562), a 48-bit millisecond timestamp followed by random bits, so
 * ids sort roughly by creation time. Random bits come from {@link ThreadLocalRandom} rather than
 * {@link UUID#randomUUID()}, whose SecureRandom is slow and contended on the publish path; event
 * ids must be unique, not unguessable.
 */
public final class EventIds {

    private EventIds() {
    }

    public static String next() {
        return nextUuid().toString();
    }

    public static UUID nextUuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = System.currentTimeMillis();
        long msb = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
