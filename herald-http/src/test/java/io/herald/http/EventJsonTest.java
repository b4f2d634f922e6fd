package io.herald.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import io.herald.broker.DeadLetter;
import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.event.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An event in an answer comes back to a client as it was stored: its JSON data byte for byte. */
class EventJsonTest {

    private static final Event SPACED = Event.builder().id("e-1").source("/shop").type("order.placed")
            .time(Instant.parse("2026-11-22T10:15:30.123456789Z")).partitionKey("customer-7")
            .json("{\"total\": 99.98,\n \"note\": \"\\u03c0 \u2248 3.14\", \"items\": [ 1, 2 ]}").build();

    @Test
    void aStoredEventKeepsItsDataBytes() throws IOException {
        StoredEvent stored = new StoredEvent("orders", new Position(1, 7), Instant.parse("2026-11-22T10:15:31Z"), SPACED);
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(answer)) {
            g.writeStartObject();
            g.writeArrayFieldStart("events");
            StoredEventJson.write(g, stored);
            g.writeEndArray();
            g.writeEndObject();
        }

        var tree = Json.treeKeepingRaw(answer.toByteArray(), EventJson.RAW_MEMBERS);
        StoredEvent read = StoredEventJson.read("orders", tree.path("events").get(0));

        assertThat(read).isEqualTo(stored);
        assertThat(read.event().dataAsString()).isEqualTo(SPACED.dataAsString());
        assertThat(StoredEventJson.read("orders", Json.tree(answer.toByteArray()).path("events").get(0)).event().dataAsString())
                .as("an ordinary tree re-writes the data").isNotEqualTo(SPACED.dataAsString());
    }

    @Test
    void aDeadLetterKeepsItsEventsDataBytes() {
        DeadLetter letter = new DeadLetter(new Position(0, 3), SPACED, "orders", "billing", new Position(1, 7), 5,
                Instant.parse("2026-11-22T10:15:31Z"), Instant.parse("2026-11-22T10:16:31Z"), Optional.of("java.lang.IllegalStateException"),
                Optional.of("no stock"), "failed 5 of 5 attempts");

        byte[] answer = Json.write(DeadLetterJson.write(letter));

        assertThat(DeadLetterJson.read(Json.treeKeepingRaw(answer, EventJson.RAW_MEMBERS))).isEqualTo(letter);
    }

    @Test
    void dataThatIsNoJsonObjectIsReadAsBefore() {
        for (Event e : new Event[] {
                Event.builder().id("t").source("/s").type("x").data("plain text").dataContentType("text/plain").build(),
                Event.builder().id("b").source("/s").type("x").data(new byte[] {0, 1, 2, (byte) 255}).build(),
                Event.builder().id("n").source("/s").type("x").json("42").build(),
                Event.builder().id("none").source("/s").type("x").build()}) {
            byte[] answer = Json.write(DeadLetterJson.write(new DeadLetter(new Position(0, 0), e, "t", "s", new Position(0, 0), 1,
                    Instant.EPOCH, Instant.EPOCH, Optional.empty(), Optional.empty(), "r")));
            assertThat(DeadLetterJson.read(Json.treeKeepingRaw(answer, EventJson.RAW_MEMBERS)).event()).as(e.id()).isEqualTo(e);
        }
    }
}
