package io.herald.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CloudEventsJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON event with the required attributes and the given extra members, e.g. {@code "subject":"x"}. */
    private static String json(String... members) {
        StringBuilder s = new StringBuilder("{\"specversion\":\"1.0\",\"id\":\"A-1\",\"source\":\"/orders\",\"type\":\"order.placed\"");
        for (String m : members) {
            s.append(',').append(m);
        }
        return s.append('}').toString();
    }

    @Test
    void theContentTypeIsTheStructuredCloudEventsJsonType() {
        assertThat(CloudEventsJson.CONTENT_TYPE).isEqualTo("application/cloudevents+json");
    }

    @Nested
    class Parsing {

        @Test
        void aSpecConformantEventWithInlineJsonDataIsParsed() {
            String json = """
                    {
                      "specversion": "1.0",
                      "id": "A234-1234-1234",
                      "source": "https://github.com/cloudevents/spec/pull",
                      "type": "com.github.pull_request.opened",
                      "subject": "123",
                      "time": "2018-04-05T17:31:00.123456789Z",
                      "datacontenttype": "application/json",
                      "dataschema": "https://example.com/schemas/pull.json",
                      "data": { "number": 123, "title": "Fix", "labels": ["bug", "ü"], "draft": false }
                    }
                    """;

            Event event = CloudEventsJson.parse(json);

            assertThat(event.id()).isEqualTo("A234-1234-1234");
            assertThat(event.source()).isEqualTo("https://github.com/cloudevents/spec/pull");
            assertThat(event.type()).isEqualTo("com.github.pull_request.opened");
            assertThat(event.subject()).contains("123");
            assertThat(event.time()).contains(Instant.parse("2018-04-05T17:31:00.123456789Z"));
            assertThat(event.dataContentType()).contains("application/json");
            assertThat(event.dataSchema()).contains("https://example.com/schemas/pull.json");
            assertThat(event.extensions()).isEmpty();
            assertThat(tree(event.dataAsString()))
                    .isEqualTo(tree("{\"number\":123,\"title\":\"Fix\",\"labels\":[\"bug\",\"ü\"],\"draft\":false}"));
        }

        @Test
        void theJsonFormatSpecExampleWithObjectDataAndANullSubjectIsParsed() {
            // JSON Event Format 1.0.2, section 3.2, third example
            String json = """
                    {
                        "specversion" : "1.0",
                        "type" : "com.example.someevent",
                        "source" : "/mycontext",
                        "subject": null,
                        "id" : "C234-1234-1234",
                        "time" : "2018-04-05T17:31:00Z",
                        "comexampleextension1" : "value",
                        "comexampleothervalue" : 5,
                        "datacontenttype" : "application/json",
                        "data" : {
                            "appinfoA" : "abc",
                            "appinfoB" : 123,
                            "appinfoC" : true
                        }
                    }
                    """;

            Event event = CloudEventsJson.parse(json);

            assertThat(event.id()).isEqualTo("C234-1234-1234");
            assertThat(event.subject()).as("a null attribute is unset").isEmpty();
            assertThat(event.time()).contains(Instant.parse("2018-04-05T17:31:00Z"));
            assertThat(event.extensions())
                    .containsOnlyKeys("comexampleextension1", "comexampleothervalue")
                    .containsEntry("comexampleextension1", "value")
                    .containsEntry("comexampleothervalue", "5");
            assertThat(tree(event.dataAsString())).isEqualTo(tree("{\"appinfoA\":\"abc\",\"appinfoB\":123,\"appinfoC\":true}"));
        }

        @Test
        void theJsonFormatSpecExampleWithAStringAndNoContentTypeIsJsonData() {
            // JSON Event Format 1.0.2, section 3.2, fourth example: data is the JSON string, content type implied
            Event event = CloudEventsJson.parse(json("\"data\" : \"I'm just a string\""));

            assertThat(event.dataAsString()).isEqualTo("\"I'm just a string\"");
            assertThat(event.dataContentType()).contains("application/json");
        }

        @Test
        void aTimeWithAnOffsetIsConvertedToTheSameInstant() {
            Event event = CloudEventsJson.parse(json("\"time\":\"2018-04-05T19:31:00+02:00\""));

            assertThat(event.time()).contains(Instant.parse("2018-04-05T17:31:00Z"));
        }

        @Test
        void aTimeWithAnOffsetKeepsItsOffsetAndNanoseconds() {
            Event event = CloudEventsJson.parse(json("\"time\":\"2026-12-07T10:00:00.123456789+02:00\""));

            assertThat(event.timeWithOffset()).contains(OffsetDateTime.parse("2026-12-07T10:00:00.123456789+02:00"));
            assertThat(event.timeOffset()).contains(ZoneOffset.ofHours(2));
        }

        @Test
        void anEventWithoutTimeHasNoTime() {
            assertThat(CloudEventsJson.parse(json()).time()).isEmpty();
        }

        @Test
        void anEventWithoutDataHasNoData() {
            Event event = CloudEventsJson.parse(json());

            assertThat(event.hasData()).isFalse();
            assertThat(event.dataContentType()).isEmpty();
        }

        @Test
        void dataBase64IsDecodedToTheExactBytes() {
            byte[] bytes = {0, 1, 2, (byte) 0xfe, (byte) 0xff, '\n', 'x'};

            Event event = CloudEventsJson.parse(json("\"datacontenttype\":\"application/octet-stream\"",
                    "\"data_base64\":\"" + Base64.getEncoder().encodeToString(bytes) + "\""));

            assertThat(event.data()).isEqualTo(bytes);
            assertThat(event.dataContentType()).contains("application/octet-stream");
        }

        @Test
        void stringDataOfATextContentTypeIsTheTextItself() {
            Event event = CloudEventsJson.parse(json("\"datacontenttype\":\"text/plain\"", "\"data\":\"grüße\""));

            assertThat(event.dataAsString()).isEqualTo("grüße");
        }

        @Test
        void stringDataOfTheJsonContentTypeIsAJsonString() {
            Event event = CloudEventsJson.parse(json("\"datacontenttype\":\"application/json\"", "\"data\":\"hello\""));

            assertThat(event.dataAsString()).isEqualTo("\"hello\"");
        }

        @Test
        void extensionsOfEveryJsonTypeBecomeStrings() {
            Event event = CloudEventsJson.parse(json(
                    "\"partitionkey\":\"customer-7\"",
                    "\"traceparent\":\"" + EventTest.TRACEPARENT + "\"",
                    "\"correlationid\":\"corr-1\"",
                    "\"causationid\":\"cause-1\"",
                    "\"region\":\"eu-west-1\"",
                    "\"attempt\":42",
                    "\"delta\":-7",
                    "\"urgent\":true",
                    "\"archived\":false"));

            assertThat(event.partitionKey()).contains("customer-7");
            assertThat(event.traceparent()).contains(EventTest.TRACEPARENT);
            assertThat(event.correlationId()).contains("corr-1");
            assertThat(event.causationId()).contains("cause-1");
            assertThat(event.extension("region")).contains("eu-west-1");
            assertThat(event.extension("attempt")).contains("42");
            assertThat(event.extension("delta")).contains("-7");
            assertThat(event.extension("urgent")).contains("true");
            assertThat(event.extension("archived")).contains("false");
        }

        @ParameterizedTest
        @ValueSource(strings = {"1.5", "12345678901", "2147483648", "-2147483649", "5.0", "-7.25"})
        void aNumberExtensionOutsideTheCloudEventsIntegerTypeIsRefusedNamingIt(String number) {
            // CloudEvents has one number type, Integer: 32-bit signed
            assertThatThrownBy(() -> CloudEventsJson.parse(json("\"ratio\":" + number)))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessage("malformed event: not a CloudEvents 1.0 JSON event: extension 'ratio' is the number " + number
                            + ", but a CloudEvents number is an Integer (32-bit signed); write other numbers as strings");
        }

        @Test
        void jsonNumbersAndBooleansAreTypedExtensionsAndStringsStayStrings() {
            Event event = CloudEventsJson.parse(json("\"priority\":7", "\"lowest\":-2147483648", "\"urgent\":true",
                    "\"archived\":false", "\"label\":\"7\"", "\"flag\":\"true\""));

            assertThat(event.extensionType("priority")).isEqualTo(ExtensionType.INTEGER);
            assertThat(event.extensionValue("priority")).contains(7);
            assertThat(event.extensionValue("lowest")).contains(Integer.MIN_VALUE);
            assertThat(event.extensionType("urgent")).isEqualTo(ExtensionType.BOOLEAN);
            assertThat(event.extensionValue("urgent")).contains(true);
            assertThat(event.extensionValue("archived")).contains(false);
            assertThat(event.extensionType("label")).isEqualTo(ExtensionType.STRING);
            assertThat(event.extensionType("flag")).isEqualTo(ExtensionType.STRING);
            assertThat(event.extensions()).containsEntry("priority", "7").containsEntry("label", "7").containsEntry("urgent", "true");
        }

        @Test
        void parsingBytesAndParsingTheStringAgree() {
            String json = json("\"subject\":\"größe\"", "\"region\":\"eu\"");

            assertThat(CloudEventsJson.parse(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(CloudEventsJson.parse(json));
        }
    }

    @Nested
    class Refusals {

        static Stream<Arguments> malformedJson() {
            return Stream.of(
                    Arguments.of("{\"specversion\":\"1.0\",\"id\":\"x\",", "Unexpected end-of-input"),
                    Arguments.of("not json", "Unrecognized token 'not'"),
                    Arguments.of("", "a JSON object, got nothing"),
                    Arguments.of("[1, 2]", "a JSON object, got ARRAY"),
                    Arguments.of("{\"specversion\":\"1.0\" \"id\":\"x\"}", "Unexpected character"));
        }

        @ParameterizedTest
        @MethodSource("malformedJson")
        void malformedJsonIsRefusedNamingTheProblemOnOneLine(String json, String problem) {
            assertThatThrownBy(() -> CloudEventsJson.parse(json))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageStartingWith("malformed event: ")
                    .hasMessageContaining(problem)
                    .hasMessageNotContaining("\n");
        }

        @ParameterizedTest
        @ValueSource(strings = {"id", "source", "type", "specversion"})
        void aMissingRequiredAttributeIsRefusedNamingIt(String attribute) {
            String json = "{" + Stream.of("specversion:1.0", "id:A-1", "source:/orders", "type:order.placed")
                    .filter(kv -> !kv.startsWith(attribute + ":"))
                    .map(kv -> kv.split(":", 2))
                    .map(kv -> "\"" + kv[0] + "\":\"" + kv[1] + "\"")
                    .reduce((a, b) -> a + "," + b).orElseThrow() + "}";

            // the SDK refuses these before Herald's validation sees them
            assertThatThrownBy(() -> CloudEventsJson.parse(json))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessage("malformed event: not a CloudEvents 1.0 JSON event: Missing mandatory " + attribute + " attribute");
        }

        @ParameterizedTest
        @ValueSource(strings = {"id", "source", "type"})
        void anEmptyRequiredAttributeIsRefusedByHeraldsValidation(String attribute) {
            String json = json().replace("\"" + attribute + "\":\"", "\"" + attribute + "\":\"\",\"ignored\":\"");

            InvalidEventException e = catchThrowableOfType(InvalidEventException.class, () -> CloudEventsJson.parse(json));

            assertThat(e.attribute()).isEqualTo(attribute);
            assertThat(e.getMessage()).isEqualTo("invalid event: attribute '" + attribute + "' must be a non-empty string");
        }

        @Test
        void specVersion03IsRefusedNamingSpecVersion() {
            String json = json().replace("\"specversion\":\"1.0\"", "\"specversion\":\"0.3\"");

            InvalidEventException e = catchThrowableOfType(InvalidEventException.class, () -> CloudEventsJson.parse(json));

            assertThat(e.attribute()).isEqualTo("specversion");
            assertThat(e.getMessage()).isEqualTo("invalid event: attribute 'specversion' must be '1.0', got '0.3'");
        }

        @Test
        void anUnknownSpecVersionIsRefusedNamingSpecVersion() {
            String json = json().replace("\"specversion\":\"1.0\"", "\"specversion\":\"2.0\"");

            assertThatThrownBy(() -> CloudEventsJson.parse(json))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("specversion")
                    .hasMessageContaining("2.0");
        }

        @Test
        void anIdOfTheWrongJsonTypeIsRefused() {
            String json = json().replace("\"id\":\"A-1\"", "\"id\":5");

            assertThatThrownBy(() -> CloudEventsJson.parse(json))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("attribute id");
        }

        @Test
        void aSourceThatIsNoUriReferenceIsRefusedNamingSource() {
            assertThatThrownBy(() -> CloudEventsJson.parse(json().replace("\"/orders\"", "\"a b\"")))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("\"source\"");
        }

        @Test
        void anUnparseableTimeIsRefusedNamingTime() {
            assertThatThrownBy(() -> CloudEventsJson.parse(json("\"time\":\"yesterday\"")))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("\"time\"")
                    .hasMessageContaining("yesterday");
        }

        @Test
        void bothDataAndDataBase64AreRefused() {
            assertThatThrownBy(() -> CloudEventsJson.parse(json("\"data\":{}", "\"data_base64\":\"AA==\"")))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("both 'data' and 'data_base64'");
        }

        @Test
        void anUpperCaseExtensionNameIsRefusedNamingIt() {
            assertThatThrownBy(() -> CloudEventsJson.parse(json("\"TenantId\":\"7\"")))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("TenantId");
        }

        static Stream<Arguments> heraldRules() {
            return Stream.of(
                    Arguments.of("\"subject\":\"\"", "subject"),
                    Arguments.of("\"datacontenttype\":\"json\"", "datacontenttype"),
                    Arguments.of("\"dataschema\":\"schemas/order.json\"", "dataschema"),
                    Arguments.of("\"partitionkey\":\"\"", "partitionkey"),
                    Arguments.of("\"correlationid\":\"\"", "correlationid"),
                    Arguments.of("\"causationid\":\"\"", "causationid"),
                    Arguments.of("\"traceparent\":\"00-00000000000000000000000000000000-00f067aa0ba902b7-01\"", "traceparent"));
        }

        @ParameterizedTest
        @MethodSource("heraldRules")
        void heraldsValidationAppliesToParsedEvents(String member, String attribute) {
            InvalidEventException e = catchThrowableOfType(InvalidEventException.class, () -> CloudEventsJson.parse(json(member)));

            assertThat(e).isNotNull();
            assertThat(e.attribute()).isEqualTo(attribute);
            assertThat(e.getMessage()).startsWith("invalid event: attribute '" + attribute + "' ");
        }
    }

    @Nested
    class Writing {

        static Stream<Event> roundTripEvents() {
            return Stream.of(
                    EventTest.minimal().id("A-1").time(null).build(),
                    EventTest.minimal().build(),
                    EventTest.full().build(),
                    EventTest.minimal().json("{\"a\":[1,2.5,\"x\",null,{\"b\":true}]}").build(),
                    EventTest.minimal().json("[1,2,3]").build(),
                    EventTest.minimal().json("\"just a string\"").build(),
                    EventTest.minimal().dataContentType("application/octet-stream").data(new byte[] {0, 1, (byte) 0xff}).build(),
                    EventTest.minimal().dataContentType("application/octet-stream").data(new byte[0]).build(),
                    EventTest.minimal().dataContentType("text/plain; charset=utf-8").data("grüße 🦉\n").build(),
                    EventTest.minimal().dataContentType("application/vnd.example+json").data("{\"a\":1}").build(),
                    EventTest.minimal().id("0190F5A2-3B4C-7D5E-8F60-718293A4B5C6").source("urn:example:orders").build(),
                    EventTest.minimal().time(Instant.parse("1969-07-20T20:17:40.000000001Z")).build(),
                    EventTest.minimal().subject("größe/🦉").dataSchema("urn:schema:x").build(),
                    EventTest.minimal().extension("attempt", "42").extension("urgent", "true").extension("empty", "").build());
        }

        @ParameterizedTest
        @MethodSource("roundTripEvents")
        void aWrittenEventParsesBackEqual(Event event) {
            String json = CloudEventsJson.writeString(event);

            assertThat(CloudEventsJson.parse(json)).isEqualTo(event);
            assertThat(CloudEventsJson.parse(CloudEventsJson.write(event))).isEqualTo(event);
        }

        @Test
        void jsonDataIsWrittenInlineAsJson() {
            Event event = EventTest.minimal().id("A-1").time(null).json("{\"total\":12}").build();

            JsonNode written = tree(CloudEventsJson.writeString(event));

            assertThat(written).isEqualTo(tree("""
                    {"specversion":"1.0","id":"A-1","source":"/orders","type":"order.placed",
                     "datacontenttype":"application/json","data":{"total":12}}
                    """));
        }

        @Test
        void jsonDataKeepsItsValueButNotItsWhitespace() {
            Event event = EventTest.minimal().json("{ \"total\" : 12.50 }").build();

            Event parsed = CloudEventsJson.parse(CloudEventsJson.writeString(event));

            assertThat(tree(parsed.dataAsString())).isEqualTo(tree(event.dataAsString()));
        }

        @Test
        void binaryDataIsWrittenAsDataBase64() {
            byte[] bytes = {0, 1, (byte) 0xff};
            Event event = EventTest.minimal().dataContentType("application/octet-stream").data(bytes).build();

            JsonNode written = tree(CloudEventsJson.writeString(event));

            assertThat(written.get("data_base64").asText()).isEqualTo(Base64.getEncoder().encodeToString(bytes));
            assertThat(written.has("data")).isFalse();
        }

        @Test
        void everyAttributeAndExtensionIsWrittenAtTheTopLevel() {
            JsonNode written = tree(CloudEventsJson.writeString(EventTest.full().build()));

            assertThat(written.get("specversion").asText()).isEqualTo("1.0");
            assertThat(written.get("id").asText()).isEqualTo("order-1042-placed");
            assertThat(written.get("source").asText()).isEqualTo("https://shop.example.com/orders");
            assertThat(written.get("type").asText()).isEqualTo("com.example.order.placed");
            assertThat(written.get("time").asText()).isEqualTo("2026-03-14T15:09:26.535897932Z");
            assertThat(written.get("subject").asText()).isEqualTo("order-1042");
            assertThat(written.get("dataschema").asText()).isEqualTo("https://shop.example.com/schemas/order-placed.json");
            assertThat(written.get("partitionkey").asText()).isEqualTo("customer-7");
            assertThat(written.get("traceparent").asText()).isEqualTo(EventTest.TRACEPARENT);
            assertThat(written.get("correlationid").asText()).isEqualTo("corr-1");
            assertThat(written.get("causationid").asText()).isEqualTo("cause-1");
            assertThat(written.get("region").asText()).isEqualTo("eu-west-1");
            assertThat(written.get("data")).isEqualTo(tree("{\"orderId\":1042}"));
        }

        @Test
        void integersAndBooleansAreWrittenAsJsonNumbersAndBooleansTheOtherTypesAsTheirText() {
            Event event = EventTest.minimal().id("A-1").time(null)
                    .extension("priority", 7).extension("urgent", true).extension("label", "7")
                    .uriExtension("home", URI.create("https://shop.example.com")).uriExtension("path", URI.create("../x"))
                    .timestampExtension("due", OffsetDateTime.parse("2026-12-24T18:00:00.5+01:00"))
                    .binaryExtension("sig", new byte[] {0, 1, (byte) 0xff})
                    .build();

            JsonNode written = tree(CloudEventsJson.writeString(event));

            assertThat(written.get("priority").isInt()).isTrue();
            assertThat(written.get("priority").intValue()).isEqualTo(7);
            assertThat(written.get("urgent").isBoolean()).isTrue();
            assertThat(written.get("label").textValue()).isEqualTo("7");
            assertThat(written.get("home").textValue()).isEqualTo("https://shop.example.com");
            assertThat(written.get("path").textValue()).isEqualTo("../x");
            assertThat(written.get("due").textValue()).isEqualTo("2026-12-24T18:00:00.500+01:00");
            assertThat(written.get("sig").textValue()).isEqualTo("AAH/");
        }

        @Test
        void integerAndBooleanExtensionsReadBackWithTheirTypes() {
            Event event = EventTest.minimal().extension("priority", -7).extension("urgent", false).extension("label", "x").build();

            Event parsed = CloudEventsJson.parse(CloudEventsJson.write(event));

            assertThat(parsed).isEqualTo(event);
            assertThat(parsed.extensionTypes()).isEqualTo(event.extensionTypes());
        }

        @Test
        void theOtherTypesReadBackAsStringsOfTheSameText() {
            // the JSON format writes them as strings and has no way to say more
            Event event = EventTest.minimal().uriExtension("home", URI.create("https://shop.example.com"))
                    .timestampExtension("due", OffsetDateTime.parse("2026-12-24T18:00:00+01:00"))
                    .binaryExtension("sig", new byte[] {1, 2}).build();

            Event parsed = CloudEventsJson.parse(CloudEventsJson.write(event));

            assertThat(parsed.extensions()).isEqualTo(event.extensions());
            assertThat(parsed.extensionTypes()).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"2026-12-07T10:00:00.123456789+02:00", "2026-12-07T10:00:00-05:30", "1969-07-20T20:17:40.000000001Z",
            "2026-12-07T23:59:59.5+14:00"})
        void theTimeIsWrittenAtItsOffsetAndReadBackExactly(String time) {
            Event event = EventTest.minimal().timeWithOffset(OffsetDateTime.parse(time)).build();

            String json = CloudEventsJson.writeString(event);

            assertThat(OffsetDateTime.parse(tree(json).get("time").textValue())).isEqualTo(OffsetDateTime.parse(time));
            Event parsed = CloudEventsJson.parse(json);
            assertThat(parsed).isEqualTo(event);
            assertThat(parsed.timeWithOffset()).contains(OffsetDateTime.parse(time));
        }

        @Test
        void toCloudEventGivesTypedExtensionsAsTheirJavaValuesAndFromCloudEventTakesThemBack() {
            Event event = EventTest.minimal()
                    .timeWithOffset(OffsetDateTime.parse("2026-12-07T10:00:00+02:00"))
                    .extension("priority", 7).extension("urgent", true).extension("label", "x")
                    .uriExtension("home", URI.create("https://shop.example.com")).uriExtension("path", URI.create("../x"))
                    .timestampExtension("due", OffsetDateTime.parse("2026-12-24T18:00:00.500+01:00"))
                    .binaryExtension("sig", new byte[] {0, 1, (byte) 0xff})
                    .build();

            CloudEvent ce = CloudEventsJson.toCloudEvent(event);

            assertThat(ce.getTime()).isEqualTo(OffsetDateTime.parse("2026-12-07T10:00:00+02:00"));
            assertThat(ce.getExtension("priority")).isEqualTo(7);
            assertThat(ce.getExtension("urgent")).isEqualTo(true);
            assertThat(ce.getExtension("label")).isEqualTo("x");
            assertThat(ce.getExtension("home")).isEqualTo(URI.create("https://shop.example.com"));
            assertThat(ce.getExtension("path")).isEqualTo(URI.create("../x"));
            assertThat(ce.getExtension("due")).isEqualTo(OffsetDateTime.parse("2026-12-24T18:00:00.5+01:00"));
            assertThat((byte[]) ce.getExtension("sig")).containsExactly(0, 1, 0xff);
            Event back = CloudEventsJson.fromCloudEvent(ce);
            assertThat(back).isEqualTo(event);
            assertThat(back.extensionTypes()).isEqualTo(event.extensionTypes());
        }

        @Test
        void toCloudEventCarriesEveryAttribute() {
            Event event = EventTest.full().build();

            CloudEvent ce = CloudEventsJson.toCloudEvent(event);

            assertThat(ce.getSpecVersion().toString()).isEqualTo("1.0");
            assertThat(ce.getId()).isEqualTo(event.id());
            assertThat(ce.getSource()).isEqualTo(URI.create("https://shop.example.com/orders"));
            assertThat(ce.getType()).isEqualTo(event.type());
            assertThat(ce.getTime().toInstant()).isEqualTo(EventTest.TIME);
            assertThat(ce.getSubject()).isEqualTo("order-1042");
            assertThat(ce.getDataContentType()).isEqualTo("application/json");
            assertThat(ce.getDataSchema()).isEqualTo(URI.create("https://shop.example.com/schemas/order-placed.json"));
            assertThat(ce.getData().toBytes()).isEqualTo(event.data());
            assertThat(ce.getExtensionNames()).containsExactlyInAnyOrderElementsOf(event.extensions().keySet());
            event.extensions().forEach((name, value) -> assertThat(ce.getExtension(name)).isEqualTo(value));
            assertThat(CloudEventsJson.fromCloudEvent(ce)).isEqualTo(event);
        }
    }
}
