package io.herald.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.herald.broker.Delivery;
import java.io.IOException;
import java.time.Instant;

/**
 * A delivery handed to an HTTP consumer: the event, where it is, which attempt this is, until
 * when the consumer holds it, and the receipt that settles it:
 * <pre>
 * {"receipt": "...", "attempt": 1, "leaseDeadline": "2026-12-07T10:00:30Z",
 *  "position": "0@12", "appendTime": "2026-12-07T10:00:00.123Z", "event": {CloudEvents JSON}}
 * </pre>
 */
public final class DeliveryJson {

    private DeliveryJson() {
    }

    /** {@code leaseDeadline} is the delivery's, or later when the consumer asked for a longer lease. */
    public static void write(JsonGenerator g, Delivery d, String receipt, Instant leaseDeadline) throws IOException {
        g.writeStartObject();
        g.writeStringField("receipt", receipt);
        g.writeNumberField("attempt", d.attempt());
        g.writeStringField("leaseDeadline", leaseDeadline.toString());
        g.writeStringField("position", Positions.format(d.position()));
        g.writeStringField("appendTime", d.appendTime().toString());
        g.writeFieldName("event");
        CloudEventsJsonWriter.write(g, d.event());
        g.writeEndObject();
    }
}
