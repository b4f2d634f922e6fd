package io.herald.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.event.Event;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The batch fast path against the general path (a tree, then {@code CloudEventsJson} and the
 * CloudEvents SDK per event), on random batches: well-formed ones, and ones with wrongly typed,
 * null, missing, doubled and odd members, odd data (doubles, big numbers, escapes, surrogates,
 * deep nesting), odd extensions and odd batch shapes. Whatever the fast path takes, the general
 * path takes too and reads into equal events — the same attributes, data bytes and extensions in
 * the same order; what it declines, the general path decides.
 */
class CloudEventsJsonReaderProperties {

    private static final int MAX_EVENTS = 5;

    // edge cases off: mixed in, they are mostly events stripped to a member or two, which prove little
    @Property(tries = 2000, edgeCases = EdgeCasesMode.NONE)
    void whatTheFastPathTakesTheGeneralPathReadsAlike(@ForAll("batches") String batch) {
        byte[] body = batch.getBytes(StandardCharsets.UTF_8);
        Optional<List<Event>> fast = CloudEventsJsonReader.readBatch(body, MAX_EVENTS);
        List<Event> general = null;
        RuntimeException refused = null;
        try {
            general = CloudEventsHttp.decodeBatchGenerally(body, MAX_EVENTS);
        } catch (RuntimeException e) {
            refused = e;
        }
        Statistics.label("path").collect(fast.isPresent() ? "fast" : refused == null ? "general, taken" : "general, refused");
        if (fast.isPresent()) {
            assertThat(refused).as("the general path refused what the fast path took: %s", batch).isNull();
            assertSameEvents(fast.get(), general, batch);
        }
    }

    @Property(tries = 500)
    void theCommonShapeTakesTheFastPath(@ForAll("wellFormedBatches") String batch) {
        byte[] body = batch.getBytes(StandardCharsets.UTF_8);
        Optional<List<Event>> fast = CloudEventsJsonReader.readBatch(body, MAX_EVENTS);
        assertThat(fast).as("declined: %s", batch).isPresent();
        assertSameEvents(fast.get(), CloudEventsHttp.decodeBatchGenerally(body, MAX_EVENTS), batch);
    }

    private static void assertSameEvents(List<Event> fast, List<Event> general, String batch) {
        assertThat(fast).as("events of %s", batch).isEqualTo(general);
        for (int i = 0; i < fast.size(); i++) {
            assertThat(List.copyOf(fast.get(i).extensions().keySet())).as("extension order of event %d of %s", i, batch)
                    .isEqualTo(List.copyOf(general.get(i).extensions().keySet()));
            assertThat(fast.get(i).hasData()).isEqualTo(general.get(i).hasData());
        }
    }

    // ---- generators

    @Provide
    Arbitrary<String> wellFormedBatches() {
        Arbitrary<String> event = Combinators.combine(
                idText(), Arbitraries.of("/s", "https://example.com/orders", "urn:x:y"), Arbitraries.of("order.placed", "t"),
                Arbitraries.of("", ",\"time\":\"2026-12-07T10:00:00.123Z\"",
                        ",\"subject\":\"s-1\",\"dataschema\":\"https://example.com/schema\""),
                wellFormedData(), wellFormedExtensions()).as((id, source, type, optional, data, extensions) ->
                "{\"specversion\":\"1.0\",\"id\":" + id + ",\"source\":\"" + source + "\",\"type\":\"" + type + "\"" + optional
                        + data + extensions + "}");
        return event.list().ofMinSize(1).ofMaxSize(MAX_EVENTS).map(events -> "[" + String.join(",", events) + "]");
    }

    private Arbitrary<String> wellFormedData() {
        return Arbitraries.of("", ",\"data\":{\"n\":1,\"s\":\"x\"}", ",\"datacontenttype\":\"application/json\",\"data\":{}", ",\"data\":[1,2,{\"a\":null,\"b\":true}]", ",\"data\":\"text\"",
                ",\"data\":-7", ",\"data\":{\"due\":\"0000000000000001234\",\"pad\":\"xxxxxxxx\"}", ",\"data\": { \"spaced\" : [ 1 , 2 ] }",
                ",\"datacontenttype\":\"text/plain\",\"data\":\"plain \\u00e9t\\u00e9\"");
    }

    private Arbitrary<String> wellFormedExtensions() {
        Arbitrary<String> one = Combinators.combine(Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8)
                        .filter(n -> !List.of("id", "source", "type", "data", "time", "subject", "dataschema", "datacontenttype",
                                "specversion").contains(n)),
                Arbitraries.of("\"v\"", "true", "false", "42", "\"k-1\""))
                .as((name, value) -> ",\"" + name + "\":" + value);
        return one.list().ofMaxSize(CloudEventsJsonReader.MAX_EXTENSIONS).uniqueElements(e -> e.substring(2, e.indexOf('"', 2)))
                .map(list -> String.join("", list));
    }

    @Provide
    Arbitrary<String> batches() {
        Arbitrary<String> events = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, event().list().ofMinSize(1).ofMaxSize(2)),
                        net.jqwik.api.Tuple.of(1, event().list().ofMinSize(0).ofMaxSize(MAX_EVENTS + 2)))
                .map(list -> "[" + String.join(",", list) + "]");
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, events),
                net.jqwik.api.Tuple.of(1, events.map(b -> b + " x")),
                net.jqwik.api.Tuple.of(1, events.map(b -> b.substring(0, b.length() / 2))),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("", "{}", "[1]", "null", "[[]]", "[{}]", " [ ] ", "[{\"specversion\":\"1.0\"}]")),
                net.jqwik.api.Tuple.of(1, event().map(e -> e)));
    }

    private Arbitrary<String> event() {
        Arbitrary<String> member = Arbitraries.oneOf(
                attribute("specversion", Arbitraries.of("\"1.0\"", "\"1.0\"", "\"1.0\"", "\"0.3\"", "1.0", "null")),
                attribute("id", Arbitraries.oneOf(idText(), Arbitraries.of("\"\"", "7", "null"))),
                attribute("source", Arbitraries.of("\"/s\"", "\"https://x/y?q=1\"", "\"not a uri\"", "\"%zz\"", "\"\"", "null", "1")),
                attribute("type", Arbitraries.of("\"t\"", "\"order.placed\"", "\"\"", "null", "true")),
                attribute("datacontenttype", Arbitraries.of("\"application/json\"", "\"text/plain\"", "\"application/cloudevents+json\"",
                        "\"APPLICATION/JSON\"", "\"text/json; charset=utf-8\"", "\"application/vnd.shop-v2+json\"", "\"foo/json\"", "\"application/xml\"", "\"\"", "null", "5")),
                attribute("dataschema", Arbitraries.of("\"https://s/schema\"", "\"bad uri\"", "null", "\"\"")),
                attribute("subject", Arbitraries.oneOf(idText(), Arbitraries.of("null", "[]"))),
                attribute("time", Arbitraries.of("\"2026-12-07T10:00:00Z\"", "\"2026-12-07T10:00:00.123456789+01:00\"",
                        "\"2026-13-45T99:99:99Z\"", "\"2026-12-07\"", "null", "\"2026-12-07t10:00:00z\"")),
                attribute("data", jsonValue(3)),
                attribute("data_base64", Arbitraries.of("\"aGVsbG8=\"", "\"!!\"", "null")),
                Combinators.combine(Arbitraries.of("ext", "a1", "partitionkey", "traceparent", "Ext", "e-x", "", "z", "datacontentencoding",
                                "schemaurl", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9"),
                        Arbitraries.of("\"v\"", "true", "false", "0", "-0", "2147483647", "2147483648", "1.5", "{}", "[1]", "null", "\"\"",
                                "\"\\u00e9\"")).as(CloudEventsJsonReaderProperties::member));
        Arbitrary<List<String>> members = member.list().ofMaxSize(4);
        // how many of the four required members the event starts with: mostly all of them
        Arbitrary<Integer> shapes = Arbitraries.integers().between(0, 40).withDistribution(net.jqwik.api.RandomDistribution.uniform());
        Arbitrary<String> base = Combinators.combine(idText(), members, shapes).as((id, more, shape) -> {
            List<String> all = new ArrayList<>();
            if (shape > 0) {
                all.add(member("specversion", "\"1.0\""));
            }
            if (shape > 1) {
                all.add(member("id", id));
            }
            if (shape > 2) {
                all.add(member("source", "\"/s\""));
            }
            if (shape > 3) {
                all.add(member("type", "\"t\""));
            }
            all.addAll(more);
            return all;
        }).flatMap(all -> Arbitraries.shuffle(all)).map(all -> "{" + String.join(",", all) + "}");
        return base;
    }

    private static Arbitrary<String> attribute(String name, Arbitrary<String> value) {
        return value.map(v -> member(name, v));
    }

    private static String member(String name, String value) {
        return "\"" + name + "\":" + value;
    }

    /** A JSON string with plain, escaped, non-ASCII and surrogate characters, as JSON text. */
    private static Arbitrary<String> idText() {
        Arbitrary<String> piece = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(30, Arbitraries.of("a", "Z", "0", "-", " ", "é", "\\u00e9", "\\n", "\\\"", "\\\\", "\\/",
                        "\\u0001", "\\t", "日本")),
                net.jqwik.api.Tuple.of(3, Arbitraries.of("😀", "\\ud83d\\ude00")),
                net.jqwik.api.Tuple.of(1, Arbitraries.just("\\ud800")));
        return piece.list().ofMinSize(1).ofMaxSize(6).map(list -> "\"" + String.join("", list) + "\"");
    }

    private static Arbitrary<String> jsonValue(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(idText(),
                Arbitraries.of("0", "-0", "1", "-17", "2147483648", "9223372036854775807", "99999999999999999999999", "1.5", "1.50",
                        "1e2", "-0.0", "1E-3", "true", "false", "null", "\"\""));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> array = jsonValue(depth - 1).list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> object = Combinators.combine(Arbitraries.of("a", "b", "due", "a", "\\u00e9", "x y", "😀"), jsonValue(depth - 1))
                .as((k, v) -> "\"" + k + "\" : " + v).list().ofMaxSize(3).map(l -> "{" + String.join(", ", l) + "}");
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, scalar), net.jqwik.api.Tuple.of(1, array), net.jqwik.api.Tuple.of(2, object));
    }
}
