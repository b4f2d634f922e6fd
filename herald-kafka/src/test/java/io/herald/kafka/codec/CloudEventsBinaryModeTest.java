package io.herald.kafka.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.event.Event;
import io.herald.event.MalformedEventException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CloudEventsBinaryModeTest {

    private static Event roundTrip(Event event) {
        return CloudEventsBinaryMode.decode(CloudEventsBinaryMode.key(event), CloudEventsBinaryMode.value(event),
                CloudEventsBinaryMode.headers(event));
    }

    private static Map<String, String> headerMap(Headers headers) {
        Map<String, String> map = new HashMap<>();
        for (Header h : headers) {
            map.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        return map;
    }

    private static Event full() {
        return Event.builder()
                .id("id-1").source("https://shop.example/orders").type("order.placed")
                .time(Instant.parse("2026-11-22T10:15:30.123456789Z"))
                .subject("order/42").dataContentType("application/json").dataSchema("https://schemas.example/order.json")
                .data("{\"total\": 99.98, \"note\": \"π ≈ 3.14\"}")
                .partitionKey("customer-7").traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .correlationId("corr-1").causationId("cause-1").extension("tenant", "acmé")
                .build();
    }

    @Test
    void everyAttributeAndExtensionSurvivesTheRoundTrip() {
        Event original = full();
        assertThat(roundTrip(original)).isEqualTo(original);
    }

    @Test
    void attributesGoToCeHeadersTheContentTypeToContentTypeAndTheKeyToTheRecordKey() {
        Event e = full();
        Map<String, String> headers = headerMap(CloudEventsBinaryMode.headers(e));
        assertThat(headers).containsEntry("ce_specversion", "1.0")
                .containsEntry("ce_id", "id-1")
                .containsEntry("ce_source", "https://shop.example/orders")
                .containsEntry("ce_type", "order.placed")
                .containsEntry("ce_time", "2026-11-22T10:15:30.123456789Z")
                .containsEntry("ce_subject", "order/42")
                .containsEntry("ce_dataschema", "https://schemas.example/order.json")
                .containsEntry("content-type", "application/json")
                .containsEntry("ce_traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .containsEntry("ce_correlationid", "corr-1")
                .containsEntry("ce_causationid", "cause-1")
                .containsEntry("ce_tenant", "acmé")
                .doesNotContainKeys("ce_partitionkey", "ce_datacontenttype", "ce_data");
        assertThat(new String(CloudEventsBinaryMode.key(e), StandardCharsets.UTF_8)).isEqualTo("customer-7");
        assertThat(new String(CloudEventsBinaryMode.value(e), StandardCharsets.UTF_8)).isEqualTo(e.dataAsString());
    }

    @Test
    void noDataNoTimeAndNoKeyStayAbsentWhileEmptyDataStaysEmpty() {
        Event bare = Event.builder().id("b-1").source("/s").type("t").time(null).build();
        assertThat(CloudEventsBinaryMode.key(bare)).isNull();
        assertThat(CloudEventsBinaryMode.value(bare)).isNull();
        Event decoded = roundTrip(bare);
        assertThat(decoded).isEqualTo(bare);
        assertThat(decoded.hasData()).isFalse();
        assertThat(decoded.time()).isEmpty();

        Event empty = Event.builder().id("b-2").source("/s").type("t").data(new byte[0]).build();
        Event decodedEmpty = roundTrip(empty);
        assertThat(decodedEmpty.hasData()).isTrue();
        assertThat(decodedEmpty.dataLength()).isZero();
        assertThat(decodedEmpty).isEqualTo(empty);
    }

    @Test
    void recordsOfOtherProducersDecode() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", bytes("1.0"));
        headers.add("ce_id", bytes("x-1"));
        headers.add("ce_source", bytes("/other"));
        headers.add("ce_type", bytes("other.type"));
        headers.add("ce_time", bytes("2026-11-22T12:00:00+02:00"));
        headers.add("ce_partitionkey", bytes("from-header"));
        headers.add("traceparent-of-another-tool", bytes("ignored"));
        Event e = CloudEventsBinaryMode.decode(bytes("from-key"), null, headers);
        assertThat(e.time()).contains(Instant.parse("2026-11-22T10:00:00Z"));
        assertThat(e.partitionKey()).contains("from-header");
        assertThat(e.extensions()).containsOnlyKeys("partitionkey");
    }

    @Test
    void recordsThatAreNoCloudEventFailWithTheReason() {
        assertThatThrownBy(() -> CloudEventsBinaryMode.decode(null, bytes("{}"), new RecordHeaders()))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("ce_specversion");
        RecordHeaders v03 = new RecordHeaders();
        v03.add("ce_specversion", bytes("0.3"));
        assertThatThrownBy(() -> CloudEventsBinaryMode.decode(null, null, v03))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("0.3");
        RecordHeaders noType = new RecordHeaders();
        noType.add("ce_specversion", bytes("1.0"));
        noType.add("ce_id", bytes("1"));
        noType.add("ce_source", bytes("/s"));
        assertThatThrownBy(() -> CloudEventsBinaryMode.decode(null, null, noType))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("type");
        RecordHeaders badTime = new RecordHeaders();
        badTime.add("ce_specversion", bytes("1.0"));
        badTime.add("ce_time", bytes("yesterday"));
        assertThatThrownBy(() -> CloudEventsBinaryMode.decode(null, null, badTime))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("yesterday");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
