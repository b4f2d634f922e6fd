package io.herald.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import io.herald.event.CloudEventsJson;
import io.herald.event.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The fast writer against the general path (an SDK {@code CloudEvent} serialized by the SDK and
 * pasted in as a raw value), on random events: odd strings (escapes, control characters,
 * non-ASCII, surrogate pairs), times with and without fractions, content types JSON by one rule
 * and not the other, data that is JSON, almost JSON, text or bytes, and many extensions. Written
 * into a byte generator and into a character generator, both paths give the same text.
 */
class CloudEventsJsonWriterProperties {

    @Property(tries = 3000)
    void theFastWriterWritesWhatTheGeneralPathWrites(@ForAll("events") Optional<Event> maybe) throws IOException {
        Assume.that(maybe.isPresent());
        Event event = maybe.get();
        Statistics.label("path").collect(CloudEventsJsonWriter.writesItself(event) ? "fast" : "general");
        assertThat(viaBytes(event, true)).as("bytes, %s", event).isEqualTo(viaBytes(event, false));
        assertThat(viaChars(event, true)).as("chars, %s", event).isEqualTo(viaChars(event, false));
    }

    private static String viaBytes(Event event, boolean fast) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            write(g, event, fast);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String viaChars(Event event, boolean fast) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            write(g, event, fast);
        }
        return out.toString();
    }

    /** Inside an object, after a field name, as a delivery or a read writes it. */
    private static void write(JsonGenerator g, Event event, boolean fast) throws IOException {
        g.writeStartObject();
        g.writeStringField("position", "0@1");
        g.writeFieldName("event");
        if (fast) {
            CloudEventsJsonWriter.write(g, event);
        } else {
            g.writeRawValue(new String(CloudEventsJson.write(event), StandardCharsets.UTF_8));
        }
        g.writeEndObject();
    }

    @Provide
    Arbitrary<Optional<Event>> events() {
        Arbitrary<String> text = Arbitraries.frequencyOf(
                Tuple.of(20, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8)),
                Tuple.of(4, Arbitraries.of("é", "日本", "a\"b", "back\\slash", "tab\tnew\nline", "\u0001ctl", "\u007f", "\u2028", "/sl/ash")),
                Tuple.of(2, Arbitraries.of("😀", "x😀y")),
                Tuple.of(1, Arbitraries.of("\ud800", "a\udc00")));
        Arbitrary<String> contentType = Arbitraries.of("none", "application/json", "APPLICATION/JSON", "application/vnd.a+json",
                "application/vnd.a.b+json", "text/json", "application/json; charset=utf-8", "text/plain", "application/xml",
                "application/cloudevents+json", "application/octet-stream", "application/problem+json");
        Arbitrary<byte[]> data = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just((byte[]) null)),
                Tuple.of(6, Arbitraries.of("{\"n\":1}", "{ \"spaced\" : [1, 2.50, 1e3, -0] }", "[]", "\"str\"", "42", "null", "true",
                        "{\"due\":\"0000000000000001234\",\"pad\":\"xxxx\"}", "{\"é\":\"日本\",\"e\":\"😀\"}", "{\"a\":\"\\ud800\"}",
                        "{\"a\":1}\n", " {\"a\":\"b\"} ", "{\"a\":1,\"a\":2}", "{\"a\":\"line\\nbreak\"}").map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(3, Arbitraries.of("{\"a\":1", "{\"a\":1} x", "", "   ", "plain text", "<xml/>", "1.5.5", "{'a':1}", "[1,]")
                        .map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(12)));
        Arbitrary<List<Tuple.Tuple2<String, String>>> extensions = Combinators.combine(
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789").ofMinLength(1).ofMaxLength(10), text)
                .as(Tuple::of).list().ofMaxSize(14);
        Arbitrary<Optional<Instant>> time = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(Optional.<Instant>empty())),
                Tuple.of(3, Arbitraries.longs().between(0, 4_102_444_800L).flatMap(s -> Arbitraries.of(0, 1, 120_000_000, 123_456_789, 100, 999_999_999)
                        .map(n -> Optional.of(Instant.ofEpochSecond(s, n))))));
        return Combinators.combine(text, Arbitraries.of("/s", "https://example.com/a?b=c", "urn:x:y", "a b", "/p%20q"), text,
                        Arbitraries.of(Optional.<String>empty(), Optional.of("subject-1"), Optional.of("é\"")),
                        Arbitraries.of(Optional.<String>empty(), Optional.of("https://example.com/schema")),
                        contentType, data, Combinators.combine(extensions, time).as(Tuple::of))
                .as((id, source, type, subject, schema, ct, bytes, more) -> {
                    try {
                        Event.Builder b = Event.builder().id(id).source(source).type(type).time(more.get2().orElse(null))
                                .subject(subject.orElse(null)).dataSchema(schema.orElse(null));
                        if (bytes != null) {
                            b.data(bytes);
                        }
                        b.dataContentType(ct.equals("none") ? null : ct);
                        for (Tuple.Tuple2<String, String> e : more.get1()) {
                            b.extension(e.get1(), e.get2());
                        }
                        return Optional.of(b.build());
                    } catch (RuntimeException invalid) {
                        return Optional.empty();
                    }
                });
    }
}
