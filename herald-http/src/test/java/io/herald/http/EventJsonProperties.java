package io.herald.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.event.CloudEventsJson;
import io.herald.event.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * {@link StoredEventJson} writes events straight to a generator instead of through the CloudEvents
 * SDK: over random events (every kind of data and content type, extensions, times from year 0
 * past 9999) its output is byte for byte {@link CloudEventsJson#write}'s, but for JSON data under a
 * JSON type the SDK does not recognise, which it writes inline where the SDK writes base64.
 */
class EventJsonProperties {

    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8",
            "Application/JSON", "text/json", "application/cloudevents+json", "application/problem+json", "application/vnd.shop+json",
            "application/x-foo+json", "text/plain", "text/plain; charset=utf-8", "text/html", "application/xml",
            "application/atom+xml", "application/octet-stream", "image/png");

    @Property(tries = 2000)
    void anEventIsWrittenAsCloudEventsJsonWritesIt(@ForAll("events") Event event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            EventJson.write(g, event);
        }
        byte[] sdk = CloudEventsJson.write(event);
        // the same document: members, values and JSON types alike (CloudEventsJson may re-space inline data)
        // (numbers by value: 2.18E14 and 218000000000000 are one number, written two ways)
        JsonNode written = Json.MAPPER.readTree(out.toByteArray());
        JsonNode expected = Json.MAPPER.readTree(sdk);
        assertThat(written.equals(NUMBERS_BY_VALUE, expected)).as("%s%nas CloudEventsJson writes it:%n%s",
                out.toString(StandardCharsets.UTF_8), new String(sdk, StandardCharsets.UTF_8)).isTrue();
    }

    private static final java.util.Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    @Property
    void jsonDataUnderAnyJsonTypeIsWrittenInline(@ForAll("jsonTypes") String contentType, @ForAll("json") byte[] data)
            throws IOException {
        Event event = Event.builder().id("1").source("/s").type("t").dataContentType(contentType).data(data).build();
        JsonNode written = Json.MAPPER.readTree(StoredEventJson.toBytes(new StoredEvent("t", new Position(0, 0), Instant.EPOCH, event)));
        assertThat(written.path("event").path("data")).isEqualTo(Json.MAPPER.readTree(data));
        assertThat(written.path("event").has("data_base64")).isFalse();
    }

    @Provide
    Arbitrary<String> jsonTypes() {
        return Arbitraries.of("application/json", "application/vnd.shop+json", "application/x-foo+json", "Application/JSON",
                "text/json; charset=utf-8", "application/problem+json");
    }

    @Provide
    Arbitrary<byte[]> json() {
        return jsonValues(3).map(n -> n.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Whether the SDK writes this event's data in base64 although CloudEventsJson counts it as JSON. */

    private static boolean isJson(byte[] data) {
        try {
            JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(data);
            return node != null && !node.isMissingNode();
        } catch (IOException e) {
            return false;
        }
    }

    @Property(tries = 300)
    void aStoredEventIsItsPositionAppendTimeAndEvent(@ForAll("events") Event ev, @ForAll("instants") Instant appendTime)
            throws IOException {
        StoredEvent stored = new StoredEvent("t", new Position(3, 12), appendTime, ev);
        ByteArrayOutputStream event = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(event)) {
            EventJson.write(g, stored.event());
        }
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(("{\"position\":\"3@12\",\"appendTime\":\"" + appendTime + "\",\"event\":").getBytes(StandardCharsets.UTF_8));
        expected.writeBytes(event.toByteArray());
        expected.write('}');
        assertThat(StoredEventJson.toBytes(stored)).isEqualTo(expected.toByteArray());
    }

    @Property
    void timeIsWrittenAsTheSdkWritesIt(@ForAll("instants") Instant time) {
        assertThat(EventJson.sdkTime(time)).isEqualTo(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time.atOffset(ZoneOffset.UTC)));
    }

    @Provide
    Arbitrary<Instant> instants() {
        // year -200 to 12000: both sides of the four-digit years the fast path writes
        Arbitrary<Long> seconds = Arbitraries.longs().between(-68_500_000_000L, 316_500_000_000L);
        Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999).map(n -> n * 1_000_000),
                Arbitraries.integers().between(0, 999_999).map(n -> n * 1_000), Arbitraries.integers().between(0, 999_999_999),
                Arbitraries.of(100_000_000, 120_000_000, 123_400_000, 500));
        return Combinators.combine(seconds, nanos).as(Instant::ofEpochSecond);
    }

    @Provide
    Arbitrary<Event> events() {
        Arbitrary<String> id = text(1, 20);
        Arbitrary<String> source = Arbitraries.of("/s", "/orders/7", "https://shop.example/orders?x=1&y=%20", "urn:shop:orders",
                "relative/path", "a+b", "mailto:someone@example.com");
        Arbitrary<Optional<String>> subject = text(1, 20).optional(0.4);
        Arbitrary<Optional<String>> schema = Arbitraries.of("https://example.com/schema.json", "urn:schema:1").optional(0.2);
        Arbitrary<Optional<Instant>> time = instants().filter(t -> t.isAfter(Instant.parse("0000-01-01T00:00:00Z"))).optional(0.7);
        Arbitrary<Optional<String>> contentType = Arbitraries.of(CONTENT_TYPES).optional(0.8);
        Arbitrary<Map<String, String>> extensions = Arbitraries.maps(
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789").ofMinLength(1).ofMaxLength(8)
                        .filter(n -> !List.of("id", "source", "specversion", "type", "datacontenttype", "dataschema", "subject", "time",
                                "data", "traceparent").contains(n)),
                text(1, 30)).ofMaxSize(6);
        Arbitrary<Optional<byte[]>> data = data().optional(0.85);
        // typed extensions and a time published at an offset other than UTC, as CloudEventsJson writes them
        Arbitrary<Optional<java.time.ZoneOffset>> offset = Arbitraries.integers().between(-18 * 3600, 18 * 3600)
                .map(java.time.ZoneOffset::ofTotalSeconds).optional(0.5);
        Arbitrary<Map<String, Object>> typed = Arbitraries.maps(Arbitraries.of("count", "urgent", "link", "ref", "when", "blob"),
                Arbitraries.oneOf(Arbitraries.integers().map(Object.class::cast), Arbitraries.of(true, false).map(Object.class::cast),
                        Arbitraries.of("https://example.com/x", "relative/ref", "2026-12-07T10:00:00.5+02:00").map(Object.class::cast),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(8).map(Object.class::cast))).ofMaxSize(3);
        return Combinators.combine(Combinators.combine(id, source, subject, schema, time, contentType, extensions, data)
                                .as(List::of), offset, typed)
                .as((parts, off, types) -> {
                    Optional<Instant> t = (Optional<Instant>) parts.get(4);
                    Event.Builder b = Event.builder().id((String) parts.get(0)).source((String) parts.get(1)).type("t.e")
                            .subject(((Optional<String>) parts.get(2)).orElse(null)).dataSchema(((Optional<String>) parts.get(3)).orElse(null))
                            .dataContentType(((Optional<String>) parts.get(5)).orElse(null));
                    if (t.isPresent() && off.isPresent()) {
                        b.timeWithOffset(t.get().atOffset(off.get()));
                    } else {
                        b.time(t.orElse(null));
                    }
                    ((Map<String, String>) parts.get(6)).forEach(b::extension);
                    types.forEach((name, v) -> {
                        switch (v) {
                            case Integer n -> b.extension(name, n.intValue());
                            case Boolean flag -> b.extension(name, flag.booleanValue());
                            case byte[] bytes -> b.binaryExtension(name, bytes);
                            case String text when text.startsWith("2026") -> b.timestampExtension(name, java.time.OffsetDateTime.parse(text));
                            case String text -> b.uriExtension(name, java.net.URI.create(text));
                            default -> throw new IllegalStateException();
                        }
                    });
                    ((Optional<byte[]>) parts.get(7)).ifPresent(b::data);
                    return b.build();
                });
    }

    /** JSON (compact, pretty, with whitespace around, non-ASCII), text, bytes, malformed UTF-8 and almost-JSON. */
    private Arbitrary<byte[]> data() {
        Arbitrary<byte[]> json = Combinators.combine(jsonValues(3), Arbitraries.of("", " ", "\n", "\r\n  "), Arbitraries.of(true, false))
                .as((node, around, pretty) -> around + (pretty ? node.toPrettyString() : node.toString()) + around)
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> text = text(0, 40).map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<byte[]> almostJson = Arbitraries.of("{\"a\": 1", "[1, 2] 3", "{\"a\": 1}}", "\"open", "nul", "", "  ", "01", "{\"a\": \"\u00e9\"}")
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        // UTF-8 a JSON parser lets pass (an overlong NUL) or refuses once it decodes the string (a surrogate)
        Arbitrary<byte[]> badUtf8 = Arbitraries.of(new byte[] {'"', (byte) 0xC0, (byte) 0x80, '"'},
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0x80, 'x', '"', '}'},
                new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},
                new byte[] {'[', '1', ',', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ']'});
        return Arbitraries.frequencyOf(Tuple.of(5, json), Tuple.of(2, text), Tuple.of(2, bytes), Tuple.of(2, almostJson), Tuple.of(1, badUtf8));
    }

    private Arbitrary<JsonNode> jsonValues(int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                Arbitraries.integers().map(f::numberNode),
                Arbitraries.doubles().map(f::numberNode),
                text(0, 12).map(f::textNode),
                Arbitraries.of(f.booleanNode(true), f.booleanNode(false), f.nullNode()));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> object = Arbitraries.maps(text(0, 6), Arbitraries.lazy(() -> jsonValues(depth - 1))).ofMaxSize(4)
                .map(m -> {
                    ObjectNode o = f.objectNode();
                    m.forEach(o::set);
                    return o;
                });
        Arbitrary<JsonNode> array = Arbitraries.lazy(() -> jsonValues(depth - 1)).list().ofMaxSize(4).map(l -> {
            ArrayNode a = f.arrayNode();
            l.forEach(a::add);
            return a;
        });
        return Arbitraries.oneOf(leaf, object, array);
    }

    /** Strings of code points: mostly printable ASCII, some control characters, the rest of the BMP and beyond it. */
    static Arbitrary<String> text(int min, int max) {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(0x20, 0x7E)),
                Tuple.of(1, Arbitraries.integers().between(0, 0x1F)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0xD7FF)),
                Tuple.of(1, Arbitraries.integers().between(0xE000, 0xFFFF)),
                Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        return codePoint.list().ofMinSize(min).ofMaxSize(max)
                .map(points -> points.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
    }

}
