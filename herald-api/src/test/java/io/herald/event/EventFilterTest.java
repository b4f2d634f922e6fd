package io.herald.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.error.InvalidSpecException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventFilterTest {

    private static final Instant TIME = Instant.parse("2026-03-14T15:09:26Z");

    private static final String ORDER = """
            {"orderId": 1042, "total": 1250.5, "currency": "EUR", "status": "placed", "region": "eu-west-1",
             "customer": {"id": "c-7", "tier": "gold"},
             "tags": ["priority", "gift"],
             "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-9", "qty": 1}],
             "coupon": null}""";

    private static Event.Builder order() {
        return Event.builder()
                .id("e-1")
                .source("/shop/orders")
                .type("order.placed")
                .time(TIME)
                .subject("order-1042")
                .json(ORDER)
                .partitionKey("customer-7")
                .correlationId("corr-1");
    }

    private static Event orderWithData(String json) {
        return order().json(json).build();
    }

    private static boolean matches(String pattern, Event event) {
        return EventFilter.compile(pattern).matches(event);
    }

    @Test
    void thePatternIsKeptAsGiven() {
        String pattern = "{\"type\": [\"order.placed\"]}";

        assertThat(EventFilter.compile(pattern).pattern()).isEqualTo(pattern);
    }

    @Nested
    class Attributes {

        private final Event event = order().build();

        @Test
        void type() {
            assertThat(matches("{\"type\": [\"order.placed\"]}", event)).isTrue();
            assertThat(matches("{\"type\": [\"order.cancelled\", \"order.placed\"]}", event)).isTrue();
            assertThat(matches("{\"type\": [\"order.cancelled\"]}", event)).isFalse();
            assertThat(matches("{\"type\": [\"ORDER.PLACED\"]}", event)).as("exact matching is case-sensitive").isFalse();
            assertThat(matches("{\"type\": [{\"prefix\": \"order.\"}]}", event)).isTrue();
            assertThat(matches("{\"type\": [{\"suffix\": \".placed\"}]}", event)).isTrue();
            assertThat(matches("{\"type\": [{\"equals-ignore-case\": \"ORDER.PLACED\"}]}", event)).isTrue();
        }

        @Test
        void source() {
            assertThat(matches("{\"source\": [\"/shop/orders\"]}", event)).isTrue();
            assertThat(matches("{\"source\": [{\"prefix\": \"/shop/\"}]}", event)).isTrue();
            assertThat(matches("{\"source\": [{\"prefix\": \"/warehouse/\"}]}", event)).isFalse();
        }

        @Test
        void subject() {
            assertThat(matches("{\"subject\": [\"order-1042\"]}", event)).isTrue();
            assertThat(matches("{\"subject\": [{\"wildcard\": \"order-*\"}]}", event)).isTrue();
            assertThat(matches("{\"subject\": [\"order-1\"]}", event)).isFalse();
        }

        @Test
        void subjectAbsent() {
            Event noSubject = order().subject(null).build();

            assertThat(matches("{\"subject\": [{\"exists\": false}]}", noSubject)).isTrue();
            assertThat(matches("{\"subject\": [{\"exists\": true}]}", noSubject)).isFalse();
            assertThat(matches("{\"subject\": [{\"exists\": false}]}", event)).isFalse();
        }

        @Test
        void idAndSpecversionAndDatacontenttype() {
            assertThat(matches("{\"id\": [\"e-1\"]}", event)).isTrue();
            assertThat(matches("{\"specversion\": [\"1.0\"]}", event)).isTrue();
            assertThat(matches("{\"datacontenttype\": [\"application/json\"]}", event)).isTrue();
        }

        @Test
        void partitionKeyAndCorrelationIdExtensions() {
            assertThat(matches("{\"partitionkey\": [\"customer-7\"]}", event)).isTrue();
            assertThat(matches("{\"partitionkey\": [\"customer-8\"]}", event)).isFalse();
            assertThat(matches("{\"correlationid\": [\"corr-1\"]}", event)).isTrue();
            assertThat(matches("{\"correlationid\": [{\"anything-but\": \"corr-1\"}]}", event)).isFalse();
            assertThat(matches("{\"causationid\": [{\"exists\": false}]}", event)).isTrue();
        }

        @Test
        void anyOtherExtension() {
            Event tagged = order().extension("region", "eu-west-1").build();

            assertThat(matches("{\"region\": [{\"prefix\": \"eu-\"}]}", tagged)).isTrue();
            assertThat(matches("{\"region\": [{\"prefix\": \"eu-\"}]}", event)).isFalse();
        }

        @Test
        void timeExists() {
            Event untimed = order().time(null).build();

            assertThat(matches("{\"time\": [{\"exists\": true}]}", event)).isTrue();
            assertThat(matches("{\"time\": [{\"exists\": true}]}", untimed)).isFalse();
            assertThat(matches("{\"time\": [{\"exists\": false}]}", untimed)).isTrue();
        }

        @Test
        void timeIsTheIsoInstant() {
            assertThat(matches("{\"time\": [\"2026-03-14T15:09:26Z\"]}", event)).isTrue();
            assertThat(matches("{\"time\": [{\"prefix\": \"2026-03-14T\"}]}", event)).isTrue();
            assertThat(matches("{\"time\": [{\"prefix\": \"2025-\"}]}", event)).isFalse();
        }

        @Test
        void timeIsTheTextAsPublishedAtItsOffset() {
            Event berlin = order().timeWithOffset(java.time.OffsetDateTime.parse("2026-03-14T16:09:26.5+01:00")).build();

            assertThat(matches("{\"time\": [\"2026-03-14T16:09:26.500+01:00\"]}", berlin)).isTrue();
            assertThat(matches("{\"time\": [{\"suffix\": \"+01:00\"}]}", berlin)).isTrue();
            assertThat(matches("{\"time\": [{\"suffix\": \"+01:00\"}]}", event)).isFalse();
        }

        @Test
        void everyFieldOfAPatternMustMatch() {
            assertThat(matches("{\"type\": [\"order.placed\"], \"source\": [\"/shop/orders\"]}", event)).isTrue();
            assertThat(matches("{\"type\": [\"order.placed\"], \"source\": [\"/warehouse\"]}", event)).isFalse();
        }

        @Test
        void anOrOfAlternativesMatchesWhenOneDoes() {
            String pattern = "{\"$or\": [{\"type\": [\"order.cancelled\"]}, {\"subject\": [\"order-1042\"]}]}";

            assertThat(matches(pattern, event)).isTrue();
            assertThat(matches(pattern, order().subject("order-1").build())).isFalse();
        }
    }

    @Nested
    class TypedExtensions {

        private static final String ABOVE_FIVE = "{\"priority\": [{\"numeric\": [\">\", 5]}]}";

        @Test
        void anIntegerExtensionMatchesANumericPattern() {
            assertThat(matches(ABOVE_FIVE, order().extension("priority", 7).build())).isTrue();
            assertThat(matches(ABOVE_FIVE, order().extension("priority", 5).build())).isFalse();
            assertThat(matches(ABOVE_FIVE, order().extension("priority", -9).build())).isFalse();
            assertThat(matches("{\"priority\": [7]}", order().extension("priority", 7).build())).isTrue();
            assertThat(matches("{\"priority\": [{\"numeric\": [\">=\", 0, \"<\", 10]}]}", order().extension("priority", 3).build())).isTrue();
        }

        @Test
        void aStringThatLooksLikeANumberDoesNotMatchANumericPattern() {
            // EventBridge compares numbers only with JSON numbers
            assertThat(matches(ABOVE_FIVE, order().extension("priority", "7").build())).isFalse();
            assertThat(matches("{\"priority\": [7]}", order().extension("priority", "7").build())).isFalse();
            assertThat(matches("{\"priority\": [\"7\"]}", order().extension("priority", "7").build())).isTrue();
        }

        @Test
        void anIntegerDoesNotMatchItsTextAsAString() {
            assertThat(matches("{\"priority\": [\"7\"]}", order().extension("priority", 7).build())).isFalse();
        }

        @Test
        void aBooleanExtensionMatchesAJsonBoolean() {
            assertThat(matches("{\"urgent\": [true]}", order().extension("urgent", true).build())).isTrue();
            assertThat(matches("{\"urgent\": [true]}", order().extension("urgent", false).build())).isFalse();
            assertThat(matches("{\"urgent\": [false]}", order().extension("urgent", false).build())).isTrue();
        }

        @Test
        void aStringTrueDoesNotMatchTheBooleanAndTheBooleanNotTheString() {
            assertThat(matches("{\"urgent\": [true]}", order().extension("urgent", "true").build())).isFalse();
            assertThat(matches("{\"urgent\": [\"true\"]}", order().extension("urgent", "true").build())).isTrue();
            assertThat(matches("{\"urgent\": [\"true\"]}", order().extension("urgent", true).build())).isFalse();
        }

        @Test
        void otherTypesAreMatchedAsTheirText() {
            Event event = order().uriExtension("home", java.net.URI.create("https://shop.example.com/x"))
                    .binaryExtension("sig", new byte[] {0, 1, (byte) 0xff}).build();

            assertThat(matches("{\"home\": [{\"prefix\": \"https://shop.\"}]}", event)).isTrue();
            assertThat(matches("{\"sig\": [\"AAH/\"]}", event)).isTrue();
        }

        @Test
        void theMatchedFormHoldsTypedValuesAsJsonNumbersAndBooleans() throws Exception {
            Event event = Event.builder().id("e").source("/s").type("t").time(null)
                    .extension("priority", 7).extension("urgent", true).extension("note", "7").build();

            assertThat(EventFilter.toJson(event)).isEqualTo("{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"/s\",\"type\":\"t\","
                    + "\"priority\":7,\"urgent\":true,\"note\":\"7\"}");
        }
    }

    @Nested
    class Data {

        private final Event event = order().build();

        @Test
        void exactValues() {
            assertThat(matches("{\"data\": {\"status\": [\"placed\"]}}", event)).isTrue();
            assertThat(matches("{\"data\": {\"status\": [\"shipped\"]}}", event)).isFalse();
            assertThat(matches("{\"data\": {\"orderId\": [1042]}}", event)).isTrue();
            assertThat(matches("{\"data\": {\"orderId\": [\"1042\"]}}", event)).as("a string is not a number").isFalse();
            assertThat(matches("{\"data\": {\"coupon\": [null]}}", event)).isTrue();
        }

        @Test
        void nestedObjects() {
            assertThat(matches("{\"data\": {\"customer\": {\"tier\": [\"gold\"]}}}", event)).isTrue();
            assertThat(matches("{\"data\": {\"customer\": {\"tier\": [\"silver\"]}}}", event)).isFalse();
        }

        @Test
        void prefix() {
            assertThat(matches("{\"data\": {\"region\": [{\"prefix\": \"eu-\"}]}}", event)).isTrue();
            assertThat(matches("{\"data\": {\"region\": [{\"prefix\": \"us-\"}]}}", event)).isFalse();
        }

        @Test
        void numericRanges() {
            assertThat(matches("{\"data\": {\"total\": [{\"numeric\": [\">=\", 1000]}]}}", event)).isTrue();
            assertThat(matches("{\"data\": {\"total\": [{\"numeric\": [\">\", 1250.5]}]}}", event)).isFalse();
            assertThat(matches("{\"data\": {\"total\": [{\"numeric\": [\">\", 1000, \"<=\", 1250.5]}]}}", event)).isTrue();
            assertThat(matches("{\"data\": {\"total\": [{\"numeric\": [\">\", 0, \"<\", 1000]}]}}", event)).isFalse();
            assertThat(matches("{\"data\": {\"total\": [{\"numeric\": [\"=\", 1250.5]}]}}", event)).isTrue();
            assertThat(matches("{\"data\": {\"orderId\": [{\"numeric\": [\"<\", 0]}]}}", event)).isFalse();
        }

        @Test
        void aNumericRangeDoesNotMatchAString() {
            assertThat(matches("{\"data\": {\"status\": [{\"numeric\": [\">\", 0]}]}}", event)).isFalse();
        }

        @Test
        void anythingBut() {
            assertThat(matches("{\"data\": {\"status\": [{\"anything-but\": [\"cancelled\", \"refunded\"]}]}}", event)).isTrue();
            assertThat(matches("{\"data\": {\"status\": [{\"anything-but\": [\"placed\"]}]}}", event)).isFalse();
            assertThat(matches("{\"data\": {\"status\": [{\"anything-but\": {\"prefix\": \"pla\"}}]}}", event)).isFalse();
            assertThat(matches("{\"data\": {\"orderId\": [{\"anything-but\": [1, 2, 3]}]}}", event)).isTrue();
        }

        @Test
        void existsFalseMatchesAnAbsentField() {
            assertThat(matches("{\"data\": {\"refund\": [{\"exists\": false}]}}", event)).isTrue();
            assertThat(matches("{\"data\": {\"status\": [{\"exists\": false}]}}", event)).isFalse();
            assertThat(matches("{\"data\": {\"status\": [{\"exists\": true}]}}", event)).isTrue();
            assertThat(matches("{\"data\": {\"refund\": [{\"exists\": true}]}}", event)).isFalse();
        }

        @Test
        void anArrayMatchesWhenAnyElementDoes() {
            assertThat(matches("{\"data\": {\"tags\": [\"gift\"]}}", event)).isTrue();
            assertThat(matches("{\"data\": {\"tags\": [\"fragile\"]}}", event)).isFalse();
            assertThat(matches("{\"data\": {\"tags\": [{\"prefix\": \"prio\"}]}}", event)).isTrue();
        }

        @Test
        void fieldsOfObjectsInAnArray() {
            assertThat(matches("{\"data\": {\"items\": {\"sku\": [\"B-9\"]}}}", event)).isTrue();
            assertThat(matches("{\"data\": {\"items\": {\"sku\": [\"C-3\"]}}}", event)).isFalse();
            assertThat(matches("{\"data\": {\"items\": {\"qty\": [{\"numeric\": [\">=\", 2]}]}}}", event)).isTrue();
            assertThat(matches("{\"data\": {\"items\": {\"qty\": [{\"numeric\": [\">\", 5]}]}}}", event)).isFalse();
        }

        @Test
        void twoFieldsOfTheSameArrayElementMustMatchTogether() {
            // event-ruler matches fields of one array element together: A-1 has qty 2, B-9 has qty 1
            assertThat(matches("{\"data\": {\"items\": {\"sku\": [\"A-1\"], \"qty\": [2]}}}", event)).isTrue();
            assertThat(matches("{\"data\": {\"items\": {\"sku\": [\"A-1\"], \"qty\": [1]}}}", event)).isFalse();
        }

        @Test
        void attributesAndDataTogether() {
            assertThat(matches("{\"type\": [\"order.placed\"], \"data\": {\"total\": [{\"numeric\": [\">=\", 1000]}]}}", event)).isTrue();
            assertThat(matches("{\"type\": [\"order.placed\"], \"data\": {\"total\": [{\"numeric\": [\">=\", 5000]}]}}", event)).isFalse();
            assertThat(matches("{\"type\": [\"order.paid\"], \"data\": {\"total\": [{\"numeric\": [\">=\", 1000]}]}}", event)).isFalse();
        }

        @Test
        void aJsonContentTypeWithParametersOrASuffixIsJson() {
            Event withCharset = order().data(ORDER).dataContentType("application/json; charset=utf-8").build();
            Event cloudEvents = order().data(ORDER).dataContentType("application/vnd.order+json").build();

            assertThat(matches("{\"data\": {\"status\": [\"placed\"]}}", withCharset)).isTrue();
            assertThat(matches("{\"data\": {\"status\": [\"placed\"]}}", cloudEvents)).isTrue();
        }

        @Test
        void dataWithoutAContentTypeIsReadAsJsonWhenItLooksLikeJson() {
            Event untyped = Event.builder().id("e-2").source("/s").type("t").data("  {\"status\": \"placed\"}").build();

            assertThat(untyped.dataContentType()).isEmpty();
            assertThat(matches("{\"data\": {\"status\": [\"placed\"]}}", untyped)).isTrue();
        }

        @Test
        void aJsonArrayAsData() {
            Event list = orderWithData("[{\"sku\": \"A-1\"}, {\"sku\": \"B-9\"}]");

            assertThat(matches("{\"data\": {\"sku\": [\"B-9\"]}}", list)).isTrue();
            assertThat(matches("{\"type\": [\"order.placed\"]}", list)).isTrue();
        }

        @Test
        void aJsonScalarAsDataStillMatchesAttributes() {
            assertThat(matches("{\"type\": [\"order.placed\"]}", orderWithData("42"))).isTrue();
            assertThat(matches("{\"type\": [\"order.placed\"]}", orderWithData("\"text\""))).isTrue();
            assertThat(matches("{\"type\": [\"order.placed\"]}", orderWithData("true"))).isTrue();
            assertThat(matches("{\"data\": [42]}", orderWithData("42"))).isTrue();
        }
    }

    @Nested
    class NonJsonData {

        private final Event text = order().data("{\"status\": \"placed\"}").dataContentType("text/plain").build();
        private final Event binary = order().data(new byte[] {(byte) 0xCA, (byte) 0xFE, 0, 1}).dataContentType("application/octet-stream").build();

        @Test
        void textDataNeverMatchesADataPatternEvenWhenItIsJsonText() {
            assertThat(matches("{\"data\": {\"status\": [\"placed\"]}}", text)).isFalse();
            assertThat(matches("{\"data\": {\"status\": [{\"exists\": true}]}}", text)).isFalse();
            assertThat(matches("{\"data\": [{\"exists\": true}]}", text)).isFalse();
        }

        @Test
        void textDataStillMatchesAttributePatterns() {
            assertThat(matches("{\"type\": [\"order.placed\"]}", text)).isTrue();
            assertThat(matches("{\"datacontenttype\": [\"text/plain\"]}", text)).isTrue();
            assertThat(matches("{\"partitionkey\": [\"customer-7\"]}", text)).isTrue();
        }

        @Test
        void binaryDataStillMatchesAttributePatterns() {
            assertThat(matches("{\"type\": [\"order.placed\"]}", binary)).isTrue();
            assertThat(matches("{\"data\": {\"status\": [\"placed\"]}}", binary)).isFalse();
        }

        @Test
        void untypedDataThatDoesNotLookLikeJsonStillMatchesAttributePatterns() {
            Event untyped = Event.builder().id("e-3").source("/s").type("t").data("<order id='1'/>").build();

            assertThat(matches("{\"type\": [\"t\"]}", untyped)).isTrue();
            assertThat(matches("{\"data\": [{\"exists\": true}]}", untyped)).isFalse();
        }

        @Test
        void theDataOfATextEventIsNotInTheMatchedForm() throws Exception {
            assertThat(EventFilter.toJson(text)).doesNotContain("\"data\"").contains("\"datacontenttype\":\"text/plain\"");
        }
    }

    @Nested
    class WithoutData {

        private final Event bare = Event.builder().id("e-4").source("/shop/orders").type("order.placed").build();

        @Test
        void attributePatternsMatch() {
            assertThat(bare.hasData()).isFalse();
            assertThat(matches("{\"type\": [\"order.placed\"]}", bare)).isTrue();
            assertThat(matches("{\"datacontenttype\": [{\"exists\": false}]}", bare)).isTrue();
        }

        @Test
        void dataPatternsThatNeedAValueDoNotMatch() {
            assertThat(matches("{\"data\": {\"status\": [\"placed\"]}}", bare)).isFalse();
            assertThat(matches("{\"data\": {\"status\": [{\"exists\": true}]}}", bare)).isFalse();
            assertThat(matches("{\"data\": {\"total\": [{\"numeric\": [\">\", 0]}]}}", bare)).isFalse();
        }

        @Test
        void anExistsFalseDataPatternMatches() {
            assertThat(matches("{\"data\": {\"status\": [{\"exists\": false}]}}", bare)).isTrue();
        }

        @Test
        void anEmptyJsonEventHasNoDataInTheMatchedForm() throws Exception {
            Event empty = Event.builder().id("e-5").source("/s").type("t").json("").build();

            assertThat(EventFilter.toJson(empty)).doesNotContain("\"data\"");
            assertThat(matches("{\"type\": [\"t\"]}", empty)).isTrue();
        }
    }

    @Nested
    class BadPatterns {

        @ParameterizedTest
        @ValueSource(strings = {
                "type = order.placed",
                "{\"type\": [\"order.placed\"]",
                "{type: [\"order.placed\"]}",
                "{\"type\": [\"order.placed\"],}",
        })
        void notJson(String pattern) {
            assertThatThrownBy(() -> EventFilter.compile(pattern))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("invalid event pattern " + pattern + ": ");
        }

        @ParameterizedTest
        @ValueSource(strings = {"[\"order.placed\"]", "\"order.placed\"", "42", "null", "true"})
        void notAnObject(String pattern) {
            assertThatThrownBy(() -> EventFilter.compile(pattern))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("an event pattern must be a non-empty JSON object such as {\"type\": [\"order.placed\"]}, got " + pattern);
        }

        @ParameterizedTest
        @ValueSource(strings = {"{}", "  { }  "})
        void anEmptyObject(String pattern) {
            assertThatThrownBy(() -> EventFilter.compile(pattern))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("an event pattern must be a non-empty JSON object");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", "\n\t"})
        void nothing(String pattern) {
            assertThatThrownBy(() -> EventFilter.compile(pattern))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("an event pattern must be a JSON object such as {\"type\": [\"order.placed\"]}, got nothing");
        }

        @Test
        void aNullPattern() {
            assertThatThrownBy(() -> EventFilter.compile(null))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageEndingWith("got nothing");
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "{\"type\": \"order.placed\"}",
                "{\"data\": {\"total\": 1000}}",
                "{\"type\": true}",
        })
        void aValueThatIsNotAnArray(String pattern) {
            assertThatThrownBy(() -> EventFilter.compile(pattern))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("invalid event pattern " + pattern + ": ");
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "{\"type\": [{\"starts-with\": \"order.\"}]}",
                "{\"data\": {\"total\": [{\"numeric\": [\"~\", 1]}]}}",
                "{\"data\": {\"total\": [{\"numeric\": [\">\", \"ten\"]}]}}",
                "{\"type\": [{\"prefix\": 5}]}",
                "{\"time\": [{\"exists\": \"yes\"}]}",
        })
        void anUnknownOrMisusedOperator(String pattern) {
            assertThatThrownBy(() -> EventFilter.compile(pattern))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("invalid event pattern " + pattern + ": ");
        }

        @Test
        void theMessageIsOneLine() {
            assertThatThrownBy(() -> EventFilter.compile("{\"type\": [{\"starts-with\": \"order.\"}]}"))
                    .isInstanceOf(InvalidSpecException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void manyThreadsMatchingOneFilterGetTheRightAnswers() throws Exception {
        EventFilter filter = EventFilter.compile(
                "{\"type\": [\"order.placed\"], \"data\": {\"total\": [{\"numeric\": [\">=\", 100]}], \"tags\": [\"gift\"]}}");
        int threads = 8;
        int perThread = 2_000;
        List<Event> events = new ArrayList<>();
        List<Boolean> expected = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            boolean placed = i % 2 == 0;
            int total = i * 7;
            boolean gift = i % 3 != 0;
            events.add(Event.builder().id("e-" + i).source("/shop").type(placed ? "order.placed" : "order.paid")
                    .json("{\"total\": " + total + ", \"tags\": [" + (gift ? "\"gift\"" : "\"plain\"") + "]}").build());
            expected.add(placed && total >= 100 && gift);
        }
        assertThat(expected).contains(true, false);

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                Callable<Integer> work = () -> {
                    start.await();
                    int wrong = 0;
                    for (int i = 0; i < perThread; i++) {
                        int n = (i + offset * 13) % events.size();
                        if (filter.matches(events.get(n)) != expected.get(n)) {
                            wrong++;
                        }
                    }
                    return wrong;
                };
                results.add(pool.submit(work));
            }
            start.countDown();
            for (Future<Integer> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).as("wrong answers in one thread").isZero();
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void theMatchedFormHoldsTheAttributesAtTheTopAndTheDataInline() throws Exception {
        Event event = Event.builder().id("e-9").source("/s").type("t").time(TIME).subject("sub")
                .dataSchema("https://example.com/s.json").json("{\"a\":1}").partitionKey("k").build();

        assertThat(EventFilter.toJson(event)).isEqualTo("{\"specversion\":\"1.0\",\"id\":\"e-9\",\"source\":\"/s\",\"type\":\"t\","
                + "\"subject\":\"sub\",\"time\":\"2026-03-14T15:09:26Z\",\"datacontenttype\":\"application/json\","
                + "\"dataschema\":\"https://example.com/s.json\",\"partitionkey\":\"k\",\"data\":{\"a\":1}}");
        assertThat(new String(event.data(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    }
}
