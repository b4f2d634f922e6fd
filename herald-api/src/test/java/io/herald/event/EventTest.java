package io.herald.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventTest {

    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    static final Instant TIME = Instant.parse("2026-03-14T15:09:26.535897932Z");

    /** A valid event with every attribute set, to change one attribute at a time. */
    static Event.Builder full() {
        return Event.builder()
                .id("order-1042-placed")
                .source("https://shop.example.com/orders")
                .type("com.example.order.placed")
                .time(TIME)
                .subject("order-1042")
                .json("{\"orderId\":1042}")
                .dataSchema("https://shop.example.com/schemas/order-placed.json")
                .partitionKey("customer-7")
                .traceparent(TRACEPARENT)
                .correlationId("corr-1")
                .causationId("cause-1")
                .extension("region", "eu-west-1");
    }

    static Event.Builder minimal() {
        return Event.builder().source("/orders").type("order.placed");
    }

    /** Building must fail naming the attribute, both in {@code attribute()} and in the message. */
    static InvalidEventException assertRefused(Event.Builder builder, String attribute, String problem) {
        InvalidEventException e = catchThrowableOfType(InvalidEventException.class, builder::build);
        assertThat(e).as("building should have been refused for '%s'", attribute).isNotNull();
        assertThat(e.attribute()).isEqualTo(attribute);
        assertThat(e.getMessage())
                .startsWith("invalid event: attribute '" + attribute + "' ")
                .contains(problem);
        return e;
    }

    @Nested
    class Defaults {

        @Test
        void anIdIsAssignedAsALowerCaseUuidVersion7CarryingTheCreationMillis() {
            long before = System.currentTimeMillis();
            Event event = minimal().build();
            long after = System.currentTimeMillis();

            UUID uuid = UUID.fromString(event.id());
            assertThat(uuid.toString()).isEqualTo(event.id());
            assertThat(uuid.version()).isEqualTo(7);
            assertThat(uuid.variant()).isEqualTo(2);
            long millis = uuid.getMostSignificantBits() >>> 16;
            assertThat(millis).isBetween(before, after);
        }

        @Test
        void everyBuiltEventGetsItsOwnId() {
            List<String> ids = Stream.generate(() -> minimal().build().id()).limit(10_000).toList();

            assertThat(ids).doesNotHaveDuplicates();
        }

        @Test
        void anIdLeftNullIsAssignedRatherThanRefused() {
            Event event = minimal().id(null).build();

            assertThat(UUID.fromString(event.id()).version()).isEqualTo(7);
        }

        @Test
        void anExplicitIdIsKeptAsGiven() {
            assertThat(minimal().id("Order#42").build().id()).isEqualTo("Order#42");
        }

        @Test
        void theBuilderSetsTheTimeToNow() {
            Instant before = Instant.now();
            Event event = minimal().build();
            Instant after = Instant.now();

            assertThat(event.time()).hasValueSatisfying(t -> assertThat(t).isBetween(before, after));
        }

        @Test
        void aTimeSetToNullLeavesTheAttributeOut() {
            assertThat(minimal().time(null).build().time()).isEmpty();
        }

        @Test
        void optionalAttributesAreAbsentUnlessSet() {
            Event event = minimal().build();

            assertThat(event.specVersion()).isEqualTo("1.0");
            assertThat(event.subject()).isEmpty();
            assertThat(event.dataContentType()).isEmpty();
            assertThat(event.dataSchema()).isEmpty();
            assertThat(event.extensions()).isEmpty();
            assertThat(event.partitionKey()).isEmpty();
            assertThat(event.traceparent()).isEmpty();
            assertThat(event.correlationId()).isEmpty();
            assertThat(event.causationId()).isEmpty();
            assertThat(event.hasData()).isFalse();
            assertThat(event.data()).isEmpty();
            assertThat(event.dataAsString()).isEmpty();
            assertThat(event.dataLength()).isZero();
        }

        @Test
        void ofMakesAJsonEventOfTheGivenTypeAndSource() {
            Event event = Event.of("order.placed", "/orders", "{\"id\":1}");

            assertThat(event.type()).isEqualTo("order.placed");
            assertThat(event.source()).isEqualTo("/orders");
            assertThat(event.dataContentType()).contains(Event.APPLICATION_JSON);
            assertThat(event.dataAsString()).isEqualTo("{\"id\":1}");
            assertThat(event.time()).isPresent();
            assertThat(UUID.fromString(event.id()).version()).isEqualTo(7);
        }

        @Test
        void theNamedExtensionsAreReadBackThroughTheirAccessors() {
            Event event = full().build();

            assertThat(event.partitionKey()).contains("customer-7");
            assertThat(event.traceparent()).contains(TRACEPARENT);
            assertThat(event.correlationId()).contains("corr-1");
            assertThat(event.causationId()).contains("cause-1");
            assertThat(event.extension("region")).contains("eu-west-1");
            assertThat(event.extension("absent")).isEmpty();
        }

        @Test
        void extensionsKeepTheOrderTheyWereSetIn() {
            Event event = minimal().extension("zeta", "1").extension("alpha", "2").extension("mid", "3").build();

            assertThat(event.extensions().keySet()).containsExactly("zeta", "alpha", "mid");
        }

        @Test
        void anExtensionSetToNullIsRemoved() {
            Event event = minimal().extension("region", "eu").partitionKey("k").extension("region", null).build();

            assertThat(event.extensions()).containsOnlyKeys(Event.PARTITION_KEY);
        }

        @Test
        void theExtensionMapCannotBeChanged() {
            Event event = full().build();

            assertThatThrownBy(() -> event.extensions().put("region", "us"))
                    .isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void aBuilderUsedAgainLeavesTheEventsItBuiltAsTheyWere() {
            // the event takes the builder's extension map without a copy; the builder copies it before a change
            Event.Builder builder = minimal().extension("region", "eu").partitionKey("k");
            Event first = builder.build();
            Event second = builder.extension("region", "us").extension("tier", "gold").build();
            Event third = builder.extension("tier", null).build();

            assertThat(first.extensions()).containsExactly(java.util.Map.entry("region", "eu"), java.util.Map.entry(Event.PARTITION_KEY, "k"));
            assertThat(second.extensions()).containsOnly(java.util.Map.entry("region", "us"), java.util.Map.entry(Event.PARTITION_KEY, "k"),
                    java.util.Map.entry("tier", "gold"));
            assertThat(third.extensions()).containsOnly(java.util.Map.entry("region", "us"), java.util.Map.entry(Event.PARTITION_KEY, "k"));
        }

        @Test
        void textDataIsStoredAsUtf8AndLeavesTheContentTypeAlone() {
            Event event = minimal().data("grüße 🦉").build();

            assertThat(event.data()).isEqualTo("grüße 🦉".getBytes(StandardCharsets.UTF_8));
            assertThat(event.dataAsString()).isEqualTo("grüße 🦉");
            assertThat(event.dataContentType()).isEmpty();
        }

        @Test
        void toStringNamesTheEventButNotItsData() {
            Event event = full().data("secret-payload").build();

            assertThat(event.toString())
                    .contains("order-1042-placed", "com.example.order.placed", "14 bytes")
                    .doesNotContain("secret-payload");
        }
    }

    @Nested
    class RequiredAttributes {

        @Test
        void aMissingSourceIsRefused() {
            assertRefused(Event.builder().type("t"), "source", "is required");
        }

        @Test
        void anEmptySourceIsRefused() {
            assertRefused(minimal().source(""), "source", "must be a non-empty string");
        }

        @Test
        void aMissingTypeIsRefused() {
            assertRefused(Event.builder().source("/s"), "type", "is required");
        }

        @Test
        void anEmptyTypeIsRefused() {
            assertRefused(minimal().type(""), "type", "must be a non-empty string");
        }

        @Test
        void anEmptyIdIsRefused() {
            assertRefused(minimal().id(""), "id", "must be a non-empty string");
        }

        @Test
        void theFirstInvalidAttributeIsTheOneNamed() {
            assertRefused(Event.builder().id("").type(""), "id", "must be a non-empty string");
        }

        @ParameterizedTest
        @ValueSource(strings = {"a b", "/orders with space", "/a%zz", "http://", "://x", "/a\"b", "/a<b>", "/tab\there"})
        void aSourceThatIsNotAUriReferenceIsRefused(String source) {
            assertRefused(minimal().source(source), "source", "must be a URI-reference (RFC 3986), got '" + source + "'");
        }

        @ParameterizedTest
        @ValueSource(strings = {"/orders", "orders", "urn:example:orders", "https://shop.example.com/orders?tenant=7#x",
                "mailto:ops@example.com", "//host/path", "/a%20b", "../relative/path", "1-2_3.4~5", "/bücher"})
        void aUriReferenceIsAcceptedAsSource(String source) {
            assertThat(minimal().source(source).build().source()).isEqualTo(source);
        }
    }

    @Nested
    class OptionalAttributes {

        @Test
        void anEmptySubjectIsRefused() {
            assertRefused(minimal().subject(""), "subject", "must not be empty when present");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "json", "application", "application/", "/json", "text / plain", "text/plain/extra",
                "application/json,text/plain", " application/json"})
        void aDataContentTypeThatIsNotAMediaTypeIsRefused(String contentType) {
            assertRefused(minimal().dataContentType(contentType), "datacontenttype",
                    "must be an RFC 2046 media type such as 'application/json', got '" + contentType + "'");
        }

        @ParameterizedTest
        @ValueSource(strings = {"application/json", "text/plain", "text/plain; charset=utf-8", "text/plain;charset=utf-8",
                "application/vnd.example.order+json", "application/cloudevents+json", "application/octet-stream",
                "image/svg+xml"})
        void aMediaTypeIsAcceptedAsDataContentType(String contentType) {
            assertThat(minimal().dataContentType(contentType).build().dataContentType()).contains(contentType);
        }

        @ParameterizedTest
        @ValueSource(strings = {"schemas/order.json", "/schemas/order.json", "//host/schema", "#fragment"})
        void aRelativeDataSchemaIsRefused(String schema) {
            assertRefused(minimal().dataSchema(schema), "dataschema", "must be an absolute URI, got '" + schema + "'");
        }

        @Test
        void aDataSchemaThatIsNoUriIsRefusedWithTheParserReason() {
            assertRefused(minimal().dataSchema("http://a b/schema"), "dataschema",
                    "must be an absolute URI, got 'http://a b/schema': Illegal character");
        }

        @Test
        void anEmptyDataSchemaIsRefused() {
            assertRefused(minimal().dataSchema(""), "dataschema", "must be a non-empty absolute URI when present");
        }

        @ParameterizedTest
        @ValueSource(strings = {"https://example.com/schemas/order.json", "urn:example:schema:order:v1", "file:///schemas/x.json"})
        void anAbsoluteUriIsAcceptedAsDataSchema(String schema) {
            assertThat(minimal().dataSchema(schema).build().dataSchema()).contains(schema);
        }
    }

    @Nested
    class Extensions {

        @ParameterizedTest
        @ValueSource(strings = {"Region", "REGION", "my-ext", "my_ext", "my.ext", "my ext", "", "région"})
        void anExtensionNameOutsideLowerCaseLettersAndDigitsIsRefused(String name) {
            assertRefused(minimal().extension(name, "v"), name,
                    "is not a valid extension name: CloudEvents allows only lower-case letters a-z and digits 0-9");
        }

        @ParameterizedTest
        @ValueSource(strings = {"id", "source", "specversion", "type", "datacontenttype", "dataschema", "subject", "time", "data"})
        void aCoreAttributeNameCannotBeAnExtension(String name) {
            assertRefused(minimal().extension(name, "v"), name, "is a core attribute and cannot be set as an extension");
        }

        @Test
        void dataBase64CannotBeAnExtension() {
            // refused by the name rule already: '_' is not allowed in an extension name
            assertRefused(minimal().extension("data_base64", "AA=="), "data_base64", "is not a valid extension name");
        }

        @ParameterizedTest
        @ValueSource(strings = {"region", "x", "ext1", "0", "averyveryverylongextensionname"})
        void aLowerCaseAlphanumericNameIsAValidExtension(String name) {
            assertThat(minimal().extension(name, "v").build().extension(name)).contains("v");
        }

        @Test
        void anOrdinaryExtensionMayHaveAnEmptyValue() {
            assertThat(minimal().extension("region", "").build().extension("region")).contains("");
        }

        @ParameterizedTest
        @ValueSource(strings = {Event.PARTITION_KEY, Event.CORRELATION_ID, Event.CAUSATION_ID})
        void anEmptyHeraldIdentifierExtensionIsRefused(String name) {
            assertRefused(minimal().extension(name, ""), name, "must be a non-empty string");
        }

        @Test
        void anEmptyPartitionKeyIsRefused() {
            assertRefused(minimal().partitionKey(""), "partitionkey", "must be a non-empty string");
        }

        @Test
        void anEmptyCorrelationIdIsRefused() {
            assertRefused(minimal().correlationId(""), "correlationid", "must be a non-empty string");
        }

        @Test
        void anEmptyCausationIdIsRefused() {
            assertRefused(minimal().causationId(""), "causationid", "must be a non-empty string");
        }
    }

    @Nested
    class Traceparent {

        @Test
        void aW3cTraceparentIsAccepted() {
            assertThat(minimal().traceparent(TRACEPARENT).build().traceparent()).contains(TRACEPARENT);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
                "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",
                "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g"})
        void aTraceparentOfTheWrongFormatIsRefused(String traceparent) {
            assertRefused(minimal().traceparent(traceparent), "traceparent",
                    "must be a W3C trace context 'version-traceid-parentid-flags' such as "
                            + "'00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', got '" + traceparent + "'");
        }

        @Test
        void aTraceparentWithVersionFfIsRefused() {
            String value = "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
            assertRefused(minimal().traceparent(value), "traceparent", "has the forbidden version 'ff': '" + value + "'");
        }

        @Test
        void aTraceparentWithAllZeroTraceIdIsRefused() {
            String value = "00-00000000000000000000000000000000-00f067aa0ba902b7-01";
            assertRefused(minimal().traceparent(value), "traceparent", "has an all-zero trace id: '" + value + "'");
        }

        @Test
        void aTraceparentWithAllZeroParentIdIsRefused() {
            String value = "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01";
            assertRefused(minimal().traceparent(value), "traceparent", "has an all-zero parent id: '" + value + "'");
        }

        @Test
        void aTraceparentSetThroughTheGenericExtensionIsValidatedToo() {
            assertRefused(minimal().extension("traceparent", "nonsense"), "traceparent", "must be a W3C trace context");
        }
    }

    @Nested
    class TypedExtensions {

        @Test
        void anIntegerIsHeldAsItsDecimalAndReadBackAsAnInteger() {
            Event event = minimal().extension("priority", 7).extension("lowest", Integer.MIN_VALUE).build();

            assertThat(event.extensions()).containsEntry("priority", "7").containsEntry("lowest", "-2147483648");
            assertThat(event.extensionType("priority")).isEqualTo(ExtensionType.INTEGER);
            assertThat(event.extensionValue("priority")).contains(7);
            assertThat(event.extensionValue("lowest")).contains(Integer.MIN_VALUE);
        }

        @Test
        void aBooleanIsHeldAsTrueOrFalse() {
            Event event = minimal().extension("urgent", true).extension("archived", false).build();

            assertThat(event.extension("urgent")).contains("true");
            assertThat(event.extension("archived")).contains("false");
            assertThat(event.extensionType("urgent")).isEqualTo(ExtensionType.BOOLEAN);
            assertThat(event.extensionValue("urgent")).contains(Boolean.TRUE);
            assertThat(event.extensionValue("archived")).contains(Boolean.FALSE);
        }

        @Test
        void anAbsoluteUriIsAUriAndARelativeOneAUriReference() {
            Event event = minimal().uriExtension("home", URI.create("https://shop.example.com/orders?id=1"))
                    .uriExtension("path", URI.create("../orders/1#line")).build();

            assertThat(event.extension("home")).contains("https://shop.example.com/orders?id=1");
            assertThat(event.extensionType("home")).isEqualTo(ExtensionType.URI);
            assertThat(event.extensionValue("home")).contains(URI.create("https://shop.example.com/orders?id=1"));
            assertThat(event.extensionType("path")).isEqualTo(ExtensionType.URI_REF);
            assertThat(event.extensionValue("path")).contains(URI.create("../orders/1#line"));
        }

        @Test
        void aTimestampIsHeldInRfc3339AtItsOffset() {
            OffsetDateTime due = OffsetDateTime.parse("2026-12-07T10:00:00.5+02:00");

            Event event = minimal().timestampExtension("due", due).build();

            assertThat(event.extension("due")).contains("2026-12-07T10:00:00.500+02:00");
            assertThat(event.extensionType("due")).isEqualTo(ExtensionType.TIMESTAMP);
            assertThat(event.extensionValue("due")).contains(due);
        }

        @Test
        void binaryIsHeldAsBase64AndReadBackAsANewArrayEachTime() {
            byte[] signature = {0, 1, (byte) 0xff};

            Event event = minimal().binaryExtension("signature", signature).build();
            signature[0] = 42;

            assertThat(event.extension("signature")).contains("AAH/");
            assertThat(event.extensionType("signature")).isEqualTo(ExtensionType.BINARY);
            byte[] value = (byte[]) event.extensionValue("signature").orElseThrow();
            assertThat(value).containsExactly(0, 1, 0xff);
            value[0] = 7;
            assertThat((byte[]) event.extensionValue("signature").orElseThrow()).containsExactly(0, 1, 0xff);
        }

        @Test
        void theCodecsMethodTakesTheTypeAndTheCanonicalString() {
            Event viaCodec = minimal().id("x").time(TIME).extension("priority", ExtensionType.INTEGER, "5").build();
            Event viaInt = minimal().id("x").time(TIME).extension("priority", 5).build();

            assertThat(viaCodec).isEqualTo(viaInt);
            assertThat(viaCodec.extensionValue("priority")).contains(5);
        }

        @Test
        void aStringExtensionIsAStringAndCarriesNoTypes() {
            Event event = full().build();

            assertThat(event.extensionType("region")).isEqualTo(ExtensionType.STRING);
            assertThat(event.extensionValue("region")).contains("eu-west-1");
            assertThat(event.extensionTypes()).isEmpty();
        }

        @Test
        void anAbsentExtensionHasNoValueAndReadsAsAString() {
            Event event = minimal().build();

            assertThat(event.extensionType("absent")).isEqualTo(ExtensionType.STRING);
            assertThat(event.extensionValue("absent")).isEmpty();
        }

        @Test
        void aStringSetOverATypedValueMakesItAStringAgain() {
            Event event = minimal().extension("priority", 5).extension("priority", "5").build();

            assertThat(event.extensionType("priority")).isEqualTo(ExtensionType.STRING);
            assertThat(event.extensionTypes()).isEmpty();
        }

        @Test
        void removingATypedExtensionRemovesItsType() {
            Event event = minimal().extension("priority", 5).extension("urgent", true).extension("priority", null).build();

            assertThat(event.extensions()).containsOnlyKeys("urgent");
            assertThat(event.extensionTypes()).containsOnlyKeys("urgent");
        }

        @Test
        void theTypesAreListedInTheOrderSetAndCannotBeChanged() {
            Event event = minimal().extension("zeta", 1).extension("plain", "x").extension("alpha", true).build();

            assertThat(event.extensionTypes()).containsExactly(java.util.Map.entry("zeta", ExtensionType.INTEGER),
                    java.util.Map.entry("alpha", ExtensionType.BOOLEAN));
            assertThatThrownBy(() -> event.extensionTypes().put("plain", ExtensionType.INTEGER))
                    .isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void theSameTextOfAnotherTypeIsAnotherEvent() {
            Event asString = minimal().id("x").time(TIME).extension("priority", "5").build();
            Event asInteger = minimal().id("x").time(TIME).extension("priority", 5).build();

            assertThat(asInteger).isNotEqualTo(asString);
            assertThat(asString).isNotEqualTo(asInteger);
            assertThat(asInteger.extensions()).isEqualTo(asString.extensions());
        }

        @Test
        void toBuilderKeepsTheTypes() {
            Event event = minimal().extension("priority", 5).extension("urgent", true).build();

            Event copy = event.toBuilder().extension("region", "eu").build();

            assertThat(copy.extensionTypes()).isEqualTo(event.extensionTypes());
            assertThat(event.toBuilder().build()).isEqualTo(event);
        }

        @Test
        void aBuilderUsedAgainLeavesTheTypesOfEventsItBuiltAsTheyWere() {
            Event.Builder builder = minimal().extension("priority", 5);
            Event first = builder.build();
            Event second = builder.extension("priority", "five").extension("urgent", true).build();

            assertThat(first.extensionTypes()).containsOnly(java.util.Map.entry("priority", ExtensionType.INTEGER));
            assertThat(second.extensionTypes()).containsOnly(java.util.Map.entry("urgent", ExtensionType.BOOLEAN));
        }

        static Stream<Arguments> valuesNotOfTheirType() {
            return Stream.of(
                    Arguments.of(ExtensionType.INTEGER, "abc", "is typed integer but 'abc' is not a 32-bit integer"),
                    Arguments.of(ExtensionType.INTEGER, "2147483648", "is typed integer but '2147483648' is not a 32-bit integer"),
                    Arguments.of(ExtensionType.INTEGER, "1.5", "is not a 32-bit integer"),
                    Arguments.of(ExtensionType.INTEGER, "", "is typed integer but '' is not a 32-bit integer"),
                    Arguments.of(ExtensionType.INTEGER, "007", "is typed integer but '007' is not a 32-bit integer in canonical form ('7')"),
                    Arguments.of(ExtensionType.INTEGER, "+5", "in canonical form ('5')"),
                    Arguments.of(ExtensionType.INTEGER, "-0", "in canonical form ('0')"),
                    Arguments.of(ExtensionType.BOOLEAN, "TRUE", "is typed boolean but 'TRUE' is not 'true' or 'false'"),
                    Arguments.of(ExtensionType.BOOLEAN, "1", "is not 'true' or 'false'"),
                    Arguments.of(ExtensionType.URI, "orders/1", "is typed uri but 'orders/1' is not an absolute URI (RFC 3986): it has no scheme"),
                    Arguments.of(ExtensionType.URI, "https://a b", "is typed uri but 'https://a b' is not an absolute URI (RFC 3986): Illegal character"),
                    Arguments.of(ExtensionType.URI_REF, "a b", "is typed uri-reference but 'a b' is not a URI-reference (RFC 3986): Illegal character"),
                    Arguments.of(ExtensionType.TIMESTAMP, "yesterday", "is typed timestamp but 'yesterday' is not an RFC 3339 date-time"),
                    Arguments.of(ExtensionType.TIMESTAMP, "2026-12-07", "is not an RFC 3339 date-time"),
                    Arguments.of(ExtensionType.BINARY, "!!!!", "is typed binary but '!!!!' is not base64 (RFC 4648, with padding)"),
                    Arguments.of(ExtensionType.BINARY, "AQ", "is not base64"),
                    Arguments.of(ExtensionType.BINARY, "AR==", "is typed binary but 'AR==' is not base64 in canonical form"));
        }

        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("valuesNotOfTheirType")
        void aValueThatIsNotOfItsTypeIsRefusedNamingTheExtension(ExtensionType type, String value, String problem) {
            assertRefused(minimal().extension("priority", type, value), "priority", problem);
        }

        @Test
        void theRefusalReadsAsOneSentence() {
            assertThatThrownBy(() -> minimal().extension("priority", ExtensionType.INTEGER, "abc").build())
                    .isInstanceOf(InvalidEventException.class)
                    .hasMessage("invalid event: attribute 'priority' is typed integer but 'abc' is not a 32-bit integer");
        }

        @Test
        void typedValuesOfEveryTypeAreAccepted() {
            Event event = minimal()
                    .extension("a", ExtensionType.INTEGER, "-2147483648")
                    .extension("b", ExtensionType.BOOLEAN, "false")
                    .extension("c", ExtensionType.URI, "urn:isbn:0451450523")
                    .extension("d", ExtensionType.URI_REF, "")
                    .extension("e", ExtensionType.TIMESTAMP, "2026-12-07T10:00:00-05:30")
                    .extension("f", ExtensionType.BINARY, "")
                    .extension("g", ExtensionType.STRING, "anything")
                    .build();

            assertThat(event.extensionValue("d")).contains(URI.create(""));
            assertThat((byte[]) event.extensionValue("f").orElseThrow()).isEmpty();
            assertThat(event.extensionTypes()).containsOnlyKeys("a", "b", "c", "d", "e", "f");
        }

        @Test
        void theNameOfATypedExtensionIsCheckedAsAnyOther() {
            assertRefused(minimal().extension("Priority", 5), "Priority", "is not a valid extension name");
            assertRefused(minimal().extension("time", 5), "time", "is a core attribute");
        }
    }

    @Nested
    class Time {

        private final OffsetDateTime published = OffsetDateTime.parse("2026-12-07T10:00:00.123456789+02:00");

        @Test
        void aTimeWithAnOffsetKeepsItsOffsetAndNanoseconds() {
            Event event = minimal().timeWithOffset(published).build();

            assertThat(event.timeWithOffset()).contains(published);
            assertThat(event.timeWithOffset().orElseThrow().getOffset()).isEqualTo(ZoneOffset.ofHours(2));
            assertThat(event.timeOffset()).contains(ZoneOffset.ofHours(2));
            assertThat(event.time()).contains(Instant.parse("2026-12-07T08:00:00.123456789Z"));
        }

        @Test
        void aTimeGivenAsAnInstantIsUtc() {
            Event event = minimal().time(TIME).build();

            assertThat(event.timeWithOffset()).contains(TIME.atOffset(ZoneOffset.UTC));
            assertThat(event.timeOffset()).contains(ZoneOffset.UTC);
        }

        @Test
        void anInstantSetAfterAnOffsetTimeIsUtcAgain() {
            Event event = minimal().timeWithOffset(published).time(TIME).build();

            assertThat(event.timeOffset()).contains(ZoneOffset.UTC);
            assertThat(event).isEqualTo(minimal().id(event.id()).time(TIME).build());
        }

        @Test
        void noTimeHasNoOffset() {
            Event event = minimal().timeWithOffset(null).build();

            assertThat(event.time()).isEmpty();
            assertThat(event.timeWithOffset()).isEmpty();
            assertThat(event.timeOffset()).isEmpty();
        }

        @Test
        void aUtcOffsetDateTimeEqualsTheInstant() {
            Event asInstant = minimal().id("x").time(TIME).build();
            Event atZ = minimal().id("x").timeWithOffset(TIME.atOffset(ZoneOffset.UTC)).build();

            assertThat(atZ).isEqualTo(asInstant).hasSameHashCodeAs(asInstant);
        }

        @Test
        void toStringShowsTheTimeAsPublished() {
            assertThat(minimal().timeWithOffset(published).build().toString()).contains("time=2026-12-07T10:00:00.123456789+02:00");
        }
    }

    @Nested
    class Equality {

        @Test
        void eventsWithTheSameAttributesAreEqualAndHashAlike() {
            Event a = full().build();
            Event b = full().build();

            assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
            assertThat(a).isNotSameAs(b);
        }

        @Test
        void dataIsComparedByContent() {
            Event a = minimal().id("x").time(TIME).data(new byte[] {1, 2, 3}).build();
            Event b = minimal().id("x").time(TIME).data(new byte[] {1, 2, 3}).build();

            assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        }

        @Test
        void anEventIsNotEqualToNullOrAnotherType() {
            Event event = full().build();

            assertThat(event).isNotEqualTo(null).isNotEqualTo("an event");
        }

        static Stream<Arguments> oneAttributeChanged() {
            return Stream.of(
                    Arguments.of("id", (UnaryOperator<Event.Builder>) b -> b.id("other")),
                    Arguments.of("source", (UnaryOperator<Event.Builder>) b -> b.source("/other")),
                    Arguments.of("type", (UnaryOperator<Event.Builder>) b -> b.type("other")),
                    Arguments.of("time", (UnaryOperator<Event.Builder>) b -> b.time(TIME.plusNanos(1))),
                    Arguments.of("time absent", (UnaryOperator<Event.Builder>) b -> b.time(null)),
                    Arguments.of("time offset", (UnaryOperator<Event.Builder>) b -> b.timeWithOffset(TIME.atOffset(ZoneOffset.ofHours(2)))),
                    Arguments.of("subject", (UnaryOperator<Event.Builder>) b -> b.subject("other")),
                    Arguments.of("subject absent", (UnaryOperator<Event.Builder>) b -> b.subject(null)),
                    Arguments.of("datacontenttype", (UnaryOperator<Event.Builder>) b -> b.dataContentType("text/plain")),
                    Arguments.of("dataschema", (UnaryOperator<Event.Builder>) b -> b.dataSchema("urn:other")),
                    Arguments.of("data", (UnaryOperator<Event.Builder>) b -> b.data("{\"orderId\":1043}")),
                    Arguments.of("data absent", (UnaryOperator<Event.Builder>) b -> b.data((byte[]) null)),
                    Arguments.of("empty data", (UnaryOperator<Event.Builder>) b -> b.data(new byte[0])),
                    Arguments.of("extension value", (UnaryOperator<Event.Builder>) b -> b.extension("region", "us")),
                    Arguments.of("extension added", (UnaryOperator<Event.Builder>) b -> b.extension("tenant", "7")),
                    Arguments.of("extension removed", (UnaryOperator<Event.Builder>) b -> b.extension("region", null)));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("oneAttributeChanged")
        void eventsThatDifferInOneAttributeAreNotEqual(String attribute, UnaryOperator<Event.Builder> change) {
            Event original = full().build();
            Event changed = change.apply(full()).build();

            assertThat(changed).isNotEqualTo(original);
            assertThat(original).isNotEqualTo(changed);
        }

        @Test
        void noDataAndEmptyDataAreDifferentEvents() {
            Event none = minimal().id("x").time(TIME).build();
            Event empty = minimal().id("x").time(TIME).data(new byte[0]).build();

            assertThat(empty.hasData()).isTrue();
            assertThat(none.hasData()).isFalse();
            assertThat(none).isNotEqualTo(empty);
        }
    }

    @Nested
    class Copies {

        @Test
        void toBuilderBuildsAnEqualEvent() {
            Event event = full().build();

            assertThat(event.toBuilder().build()).isEqualTo(event);
        }

        @Test
        void toBuilderKeepsTheTimeOffset() {
            Event event = minimal().timeWithOffset(OffsetDateTime.parse("2026-12-07T10:00:00.123456789+02:00")).build();

            assertThat(event.toBuilder().build()).isEqualTo(event);
            assertThat(event.toBuilder().build().timeWithOffset()).contains(OffsetDateTime.parse("2026-12-07T10:00:00.123456789+02:00"));
        }

        @Test
        void toBuilderKeepsAnAbsentTimeAbsent() {
            Event event = minimal().time(null).build();

            assertThat(event.toBuilder().build().time()).isEmpty();
        }

        @Test
        void aCopyChangedThroughToBuilderLeavesTheOriginalAlone() {
            Event event = full().build();

            Event changed = event.toBuilder().type("com.example.order.cancelled").extension("region", "us").build();

            assertThat(changed.type()).isEqualTo("com.example.order.cancelled");
            assertThat(changed.extension("region")).contains("us");
            assertThat(changed.id()).isEqualTo(event.id());
            assertThat(event.type()).isEqualTo("com.example.order.placed");
            assertThat(event.extension("region")).contains("eu-west-1");
        }

        @Test
        void toBuilderValidatesTheChangedCopy() {
            assertRefused(full().build().toBuilder().subject(""), "subject", "must not be empty");
        }

        @Test
        void withPartitionKeySetsTheKeyAndKeepsEverythingElse() {
            Event event = minimal().id("x").time(TIME).json("{}").build();

            Event keyed = event.withPartitionKey("customer-9");

            assertThat(keyed.partitionKey()).contains("customer-9");
            assertThat(keyed.toBuilder().extension(Event.PARTITION_KEY, null).build()).isEqualTo(event);
            assertThat(event.partitionKey()).isEmpty();
        }

        @Test
        void withPartitionKeyReplacesAnExistingKeyInPlace() {
            Event event = full().build();

            Event rekeyed = event.withPartitionKey("customer-8");

            assertThat(rekeyed.partitionKey()).contains("customer-8");
            assertThat(rekeyed.extensions().keySet()).containsExactlyElementsOf(event.extensions().keySet());
            assertThat(event.partitionKey()).contains("customer-7");
        }

        @Test
        void withAnEmptyPartitionKeyIsRefused() {
            Event event = full().build();

            InvalidEventException e = catchThrowableOfType(InvalidEventException.class, () -> event.withPartitionKey(""));

            assertThat(e.attribute()).isEqualTo("partitionkey");
        }

        @Test
        void dataReturnsACopyThatTheCallerMayChange() {
            Event event = minimal().data(new byte[] {1, 2, 3}).build();

            event.data()[0] = 99;

            assertThat(event.data()).containsExactly(1, 2, 3);
        }

        @Test
        void theBuilderCopiesTheDataItIsGiven() {
            byte[] bytes = {1, 2, 3};
            Event event = minimal().data(bytes).build();

            bytes[0] = 99;

            assertThat(event.data()).containsExactly(1, 2, 3);
        }

        @Test
        void aBuilderCanBeReusedWithoutChangingEventsAlreadyBuilt() {
            Event.Builder builder = full();
            Event first = builder.build();

            Event second = builder.extension("region", "us").build();

            assertThat(first.extension("region")).contains("eu-west-1");
            assertThat(second.extension("region")).contains("us");
        }
    }
}
