package io.herald.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Whatever the data, what {@link CloudEventsJson#write} produces parses back to the same event. */
class CloudEventsJsonDataTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final List<String> JSON_CONTENT_TYPES = List.of("application/json", "text/json", "application/vnd.shop+json",
            "application/problem+json", "application/json; charset=utf-8", "application/vnd.shop+json; version=2", "APPLICATION/JSON",
            "Application/Vnd.Shop+JSON", "image/json");

    /** Every JSON content type with every shape a JSON value has; the data as the JSON text it is stored as. */
    static Stream<Arguments> jsonTypesAndShapes() {
        List<String> shapes = List.of("{\"a\":1,\"b\":[true,null]}", "[1,\"two\",{\"three\":3}]", "42", "-0.5", "\"a string\"",
                "\"\"", "true", "false", "null", "{}", "[]");
        return JSON_CONTENT_TYPES.stream().flatMap(type -> shapes.stream().map(shape -> Arguments.of(type, shape)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("jsonTypesAndShapes")
    void inlineDataOfAnyJsonContentTypeIsParsedAsTheJsonValue(String contentType, String data) {
        String json = "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"" + contentType + "\",\"data\":" + data + "}";

        Event event = CloudEventsJson.parse(json);

        assertThat(event.dataContentType()).contains(contentType);
        assertThat(event.dataAsString()).isEqualTo(data);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("jsonTypesAndShapes")
    void jsonDataOfAnyJsonContentTypeIsWrittenInlineAndReadsBack(String contentType, String data) {
        Event event = base().dataContentType(contentType).data(data).build();

        String json = CloudEventsJson.writeString(event);

        assertThat(tree(json).get("data")).as(json).isEqualTo(tree(data));
        assertThat(tree(json).has("data_base64")).isFalse();
        assertThat(CloudEventsJson.parse(json)).isEqualTo(event);
    }

    @Test
    void theJsonFormatsVendorTypeExampleIsParsed() {
        Event event = CloudEventsJson.parse("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/shop\",\"type\":\"order\","
                + "\"datacontenttype\":\"application/vnd.shop+json\",\"data\":{\"a\": 1}}");

        assertThat(event.dataAsString()).isEqualTo("{\"a\":1}");
    }

    @Test
    void aJsonStringUnderAJsonTypeIsTheJsonTextQuotesIncluded() {
        // section 3.1: the data is the JSON value; a string's JSON text is quoted, which keeps "42" apart from 42
        Event string = CloudEventsJson.parse("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"application/vnd.shop+json\",\"data\":\"42\"}");
        Event number = CloudEventsJson.parse("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"application/vnd.shop+json\",\"data\":42}");

        assertThat(string.dataAsString()).isEqualTo("\"42\"");
        assertThat(number.dataAsString()).isEqualTo("42");
    }

    @Test
    void decimalsKeepEveryDigitAndTheirTrailingZeros() throws IOException {
        String data = "{\"exact\":0.1000000000000000055511151231257827,\"price\":12.50,\"huge\":1E+400,\"big\":123456789012345678901234567890}";

        Event event = CloudEventsJson.parse("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"application/json\",\"data\":" + data + "}");

        assertThat(event.dataAsString()).isEqualTo(data);
        ObjectMapper decimals = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .configure(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
        assertThat(decimals.readTree(CloudEventsJson.write(event)).get("data").toString()).isEqualTo(data);
        assertThat(CloudEventsJson.parse(CloudEventsJson.write(event))).isEqualTo(event);
    }

    @Test
    void inlineDataWithoutAContentTypeIsJsonAndGetsApplicationJson() {
        Event event = CloudEventsJson.parse("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":[1,2]}");

        assertThat(event.dataAsString()).isEqualTo("[1,2]");
        assertThat(event.dataContentType()).contains("application/json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1}", "[1]", "42", "true"})
    void aNonJsonContentTypeTakesOnlyAStringAsData(String data) {
        assertThatThrownBy(() -> CloudEventsJson.parse("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"text/plain\",\"data\":" + data + "}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("Because content type is not a json, only a string is accepted as data");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/vnd.shop+json", "text/plain"})
    void dataAndDataBase64TogetherAreRefusedUnderAnyContentType(String contentType) {
        assertThatThrownBy(() -> CloudEventsJson.parse("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"" + contentType + "\",\"data\":\"x\",\"data_base64\":\"AA==\"}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("both 'data' and 'data_base64'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/jsonx", "application/json-seq", "application/+json", "application/xml",
        "application/vnd.shop+json-patch"})
    void aTypeThatOnlyLooksLikeJsonIsNotJson(String contentType) {
        Event event = base().dataContentType(contentType).data("{\"a\":1}").build();

        String json = CloudEventsJson.writeString(event);

        assertThat(tree(json).has("data_base64") || tree(json).get("data").isTextual()).as(json).isTrue();
        assertThat(CloudEventsJson.parse(json)).isEqualTo(event);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/vnd.shop+json", "text/json", "application/json"})
    void jsonTypedBytesThatAreNotJsonAreWrittenAsBase64AndReadBack(String contentType) {
        Event event = base().dataContentType(contentType).data("not json {").build();

        String json = CloudEventsJson.writeString(event);

        assertThat(tree(json).has("data_base64")).isTrue();
        assertThat(CloudEventsJson.parse(json)).isEqualTo(event);
    }

    private static Event.Builder base() {
        return Event.builder().id("e-1").source("/s").type("t");
    }

    @Test
    void textWithoutAContentTypeIsWrittenAsBase64AndReadsBack() {
        Event event = base().data("hello").build();
        String json = CloudEventsJson.writeString(event);
        assertThat(json).contains("\"data_base64\":\"aGVsbG8=\"");
        assertThat(CloudEventsJson.parse(json)).isEqualTo(event);
    }

    @Test
    void plainTextIsWrittenAsAJsonString() {
        Event event = base().dataContentType("text/plain").data("hello \"world\"").build();
        String json = CloudEventsJson.writeString(event);
        assertThat(json).contains("\"data\":\"hello \\\"world\\\"\"");
        assertThat(CloudEventsJson.parse(json)).isEqualTo(event);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "", "{\"open\": ", "1 2"})
    void jsonTypedDataThatIsNotJsonStillReadsBack(String data) {
        Event event = base().json(data).build();
        assertThat(CloudEventsJson.parse(CloudEventsJson.write(event))).isEqualTo(event);
    }

    @Test
    void binaryDataReadsBack() {
        Event event = base().dataContentType("application/octet-stream").data(new byte[] {0, 1, (byte) 0xff, 10, 13}).build();
        assertThat(CloudEventsJson.parse(CloudEventsJson.write(event))).isEqualTo(event);
    }

    @Test
    void jsonDataIsWrittenInline() {
        Event event = base().json("{\"total\":99.98}").build();
        assertThat(CloudEventsJson.writeString(event)).contains("\"data\":{\"total\":99.98}");
    }

    @Test
    void anAttributeGivenAsNullIsAbsent() {
        Event event = CloudEventsJson.parse("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"subject\":null,\"unsetextension\":null}");
        assertThat(event.subject()).isEmpty();
        assertThat(event.extensions()).doesNotContainKey("unsetextension");
    }
}
