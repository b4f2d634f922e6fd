package io.herald.kafka.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.event.Event;
import io.herald.event.ExtensionType;
import io.herald.event.MalformedEventException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
                .doesNotContainKeys("ce_partitionkey", "ce_datacontenttype", "ce_data", "herald_extension_types");
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
        assertThat(e.timeWithOffset()).contains(OffsetDateTime.parse("2026-11-22T12:00:00+02:00"));
        assertThat(e.partitionKey()).contains("from-header");
        assertThat(e.extensions()).containsOnlyKeys("partitionkey");
    }

    // ---- time at its offset

    @Test
    void theTimeIsWrittenAtItsOffsetAndReadBackExactly() {
        Event event = Event.builder().id("t-1").source("/s").type("t")
                .timeWithOffset(OffsetDateTime.parse("2026-12-07T10:00:00.123456789+02:00")).build();

        Headers headers = CloudEventsBinaryMode.headers(event);

        assertThat(headerMap(headers)).containsEntry("ce_time", "2026-12-07T10:00:00.123456789+02:00");
        Event decoded = roundTrip(event);
        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.timeWithOffset()).contains(OffsetDateTime.parse("2026-12-07T10:00:00.123456789+02:00"));
    }

    @Test
    void aUtcTimeIsStillWrittenWithZ() {
        Event event = Event.builder().id("t-1").source("/s").type("t").time(Instant.parse("2026-12-07T08:00:00.5Z")).build();

        assertThat(headerMap(CloudEventsBinaryMode.headers(event))).containsEntry("ce_time", "2026-12-07T08:00:00.500Z");
        assertThat(roundTrip(event).timeOffset()).contains(ZoneOffset.UTC);
    }

    // ---- typed extensions

    private static Event typed() {
        return Event.builder().id("x-1").source("/s").type("t").time(null)
                .partitionKey("customer-7")
                .extension("priority", 7).extension("urgent", true).extension("region", "eu")
                .uriExtension("home", URI.create("https://shop.example.com")).uriExtension("path", URI.create("../x"))
                .timestampExtension("due", OffsetDateTime.parse("2026-12-24T18:00:00+01:00"))
                .binaryExtension("sig", new byte[] {0, 1, (byte) 0xff})
                .build();
    }

    @Test
    void typedExtensionsRoundTripWithTheirTypes() {
        Event event = typed();

        Event decoded = roundTrip(event);

        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.extensionTypes()).isEqualTo(event.extensionTypes());
        assertThat(decoded.extensionValue("priority")).contains(7);
        assertThat((byte[]) decoded.extensionValue("sig").orElseThrow()).containsExactly(0, 1, 0xff);
    }

    @Test
    void typedValuesAreStringHeadersAndTheirTypesOneHeraldHeader() {
        Map<String, String> headers = headerMap(CloudEventsBinaryMode.headers(typed()));

        assertThat(headers).containsEntry("ce_priority", "7").containsEntry("ce_urgent", "true").containsEntry("ce_sig", "AAH/")
                .containsEntry("ce_due", "2026-12-24T18:00:00+01:00")
                .containsEntry("herald_extension_types", "priority=integer,urgent=boolean,home=uri,path=uri-reference,"
                        + "due=timestamp,sig=binary");
    }

    @Test
    void aTypedPartitionKeyTakesItsValueFromTheRecordKey() {
        Event event = Event.builder().id("x-1").source("/s").type("t").extension(Event.PARTITION_KEY, 42).build();

        assertThat(new String(CloudEventsBinaryMode.key(event), StandardCharsets.UTF_8)).isEqualTo("42");
        Event decoded = roundTrip(event);
        assertThat(decoded.extensionType(Event.PARTITION_KEY)).isEqualTo(ExtensionType.INTEGER);
        assertThat(decoded).isEqualTo(event);
    }

    @Test
    void aRecordWithoutTheTypesHeaderDecodesWithStringExtensions() {
        Headers headers = CloudEventsBinaryMode.headers(typed());
        headers.remove("herald_extension_types");

        Event decoded = CloudEventsBinaryMode.decode(CloudEventsBinaryMode.key(typed()), null, headers);

        assertThat(decoded.extensions()).isEqualTo(typed().extensions());
        assertThat(decoded.extensionTypes()).isEmpty();
    }

    @Test
    void theTypesHeaderMayComeBeforeTheExtensions() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("herald_extension_types", bytes("priority=integer"));
        minimalHeaders().forEach(headers::add);
        headers.add("ce_priority", bytes("7"));

        assertThat(CloudEventsBinaryMode.decode(null, null, headers).extensionValue("priority")).contains(7);
    }

    private static RecordHeaders minimalHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", bytes("1.0"));
        headers.add("ce_id", bytes("1"));
        headers.add("ce_source", bytes("/s"));
        headers.add("ce_type", bytes("t"));
        return headers;
    }

    @Test
    void aBrokenTypesHeaderIsRefusedSayingWhatIsWrong() {
        assertRefused("priority=integer,", "7", "header herald_extension_types 'priority=integer,' is not name=type[,name=type...]");
        assertRefused("priority", "7", "is not name=type");
        assertRefused("priority=float", "7", "header herald_extension_types types extension 'priority': 'float' is no CloudEvents extension type");
        assertRefused("missing=integer", "7", "header herald_extension_types types extension 'missing', which the record does not carry");
        assertRefused("priority=integer", "high", "attribute 'priority' is typed integer but 'high' is not a 32-bit integer");
    }

    private static void assertRefused(String types, String priority, String problem) {
        RecordHeaders headers = minimalHeaders();
        headers.add("ce_priority", bytes(priority));
        headers.add("herald_extension_types", bytes(types));
        assertThatThrownBy(() -> CloudEventsBinaryMode.decode(null, null, headers))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining(problem);
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
