package io.herald.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whatever the data, what {@link CloudEventsJson#write} produces parses back to the same event. */
class CloudEventsJsonDataTest {

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
