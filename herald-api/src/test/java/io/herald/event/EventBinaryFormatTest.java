package io.herald.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventBinaryFormatTest {

    private static Event roundTrip(Event event) {
        byte[] bytes = EventBinaryFormat.encode(event);
        return EventBinaryFormat.decode(bytes, 0, bytes.length);
    }

    /** Equal as values, and the extensions in the same order (equals() ignores their order). */
    private static void assertSameEvent(Event actual, Event expected) {
        assertThat(actual).isEqualTo(expected);
        assertThat(actual.id()).isEqualTo(expected.id());
        assertThat(actual.time()).isEqualTo(expected.time());
        assertThat(actual.timeOffset()).isEqualTo(expected.timeOffset());
        assertThat(actual.hasData()).isEqualTo(expected.hasData());
        assertThat(actual.data()).isEqualTo(expected.data());
        assertThat(List.copyOf(actual.extensions().entrySet()))
                .containsExactlyElementsOf(List.copyOf(expected.extensions().entrySet()));
        assertThat(List.copyOf(actual.extensionTypes().entrySet()))
                .containsExactlyElementsOf(List.copyOf(expected.extensionTypes().entrySet()));
    }

    @Test
    void aFullEventRoundTrips() {
        Event event = EventTest.full().build();

        assertSameEvent(roundTrip(event), event);
    }

    @Test
    void aMinimalEventRoundTrips() {
        Event event = EventTest.minimal().id("e-1").time(null).build();

        Event decoded = roundTrip(event);

        assertSameEvent(decoded, event);
        assertThat(decoded.time()).isEmpty();
        assertThat(decoded.hasData()).isFalse();
    }

    @Test
    void aMinimalEventTakesFewBytes() {
        Event event = EventTest.minimal().id("e").source("s").type("t").time(null).build();

        // version, flags, then three one-byte strings with their one-byte lengths
        assertThat(EventBinaryFormat.encode(event)).containsExactly(1, 0, 1, 'e', 1, 's', 1, 't');
    }

    @Test
    void emptyDataIsKeptApartFromNoData() {
        Event event = EventTest.minimal().id("e-1").data(new byte[0]).build();

        Event decoded = roundTrip(event);

        assertThat(decoded.hasData()).isTrue();
        assertThat(decoded.data()).isEmpty();
    }

    @Test
    void aLowerCaseCanonicalUuidIdIsStoredAsSixteenBytes() {
        String uuid = "0190f5a2-3b4c-7d5e-8f60-718293a4b5c6";
        Event asUuid = EventTest.minimal().id(uuid).time(null).build();
        Event asString = EventTest.minimal().id("x".repeat(36)).time(null).build();

        byte[] uuidBytes = EventBinaryFormat.encode(asUuid);

        assertThat(uuidBytes[1] & 1).as("flag bit 0: id is a UUID").isEqualTo(1);
        assertThat(uuidBytes).hasSize(EventBinaryFormat.encode(asString).length - 21);
        assertThat(roundTrip(asUuid).id()).isEqualTo(uuid);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "0190F5A2-3B4C-7D5E-8F60-718293A4B5C6", // upper case: a UUID, but not in canonical form
        "0190f5a2-3B4C-7d5e-8f60-718293a4b5c6", // mixed case
        "{0190f5a2-3b4c-7d5e-8f60-718293a4b5c6}",
        "0190f5a23b4c7d5e8f60718293a4b5c6", // no dashes
        "0190f5a2-3b4c-7d5e-8f60-718293a4b5c", // one digit short
        "0190f5a2-3b4c-7d5e-8f60-718293a4b5c6 ",
        "0190f5a2_3b4c_7d5e_8f60_718293a4b5c6",
        "0190f5a2-3b4c-7d5e-8f60-718293a4b5cg",
        "1-2-3-4-5", "order-1042", "Ω≈ç√∫", "🦉", "x"})
    void anIdThatIsNotALowerCaseCanonicalUuidRoundTripsExactly(String id) {
        Event event = EventTest.minimal().id(id).build();

        byte[] bytes = EventBinaryFormat.encode(event);

        assertThat(bytes[1] & 1).as("flag bit 0: id is a UUID").isZero();
        assertThat(EventBinaryFormat.decode(bytes, 0, bytes.length).id()).isEqualTo(id);
    }

    @Test
    void aRandomUuidIdRoundTrips() {
        for (int i = 0; i < 1000; i++) {
            String id = UUID.randomUUID().toString();
            assertThat(roundTrip(EventTest.minimal().id(id).build()).id()).isEqualTo(id);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z", "1900-02-28T12:00:00.000000001Z",
        "-1000000000-01-01T00:00:00Z", "+1000000000-12-31T23:59:59.999999999Z", "2026-03-14T15:09:26.535897932Z"})
    void timesRoundTripToTheNanosecondBeforeAndAfter1970(String time) {
        Event event = EventTest.minimal().time(Instant.parse(time)).build();

        assertThat(roundTrip(event).time()).contains(Instant.parse(time));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-07T10:00:00.123456789+02:00", "2026-12-07T10:00:00-05:30", "1969-07-20T20:17:40.000000001+18:00",
        "1969-07-20T20:17:40-18:00", "2026-12-07T10:00:00+00:00:01", "2026-12-07T10:00:00-09:59:59", "+999999999-12-31T23:59:59.999999999+01:00"})
    void aTimeWithAnOffsetRoundTripsWithItsOffsetAndNanoseconds(String time) {
        Event event = EventTest.minimal().timeWithOffset(OffsetDateTime.parse(time)).build();

        Event decoded = roundTrip(event);

        assertThat(decoded.timeWithOffset()).contains(OffsetDateTime.parse(time));
        assertThat(decoded.timeWithOffset().orElseThrow().getOffset()).isEqualTo(OffsetDateTime.parse(time).getOffset());
        assertSameEvent(decoded, event);
    }

    @Test
    void aUtcOffsetIsWrittenAsAnInstantIsWithoutExtendedFlags() {
        Event asInstant = EventTest.minimal().id("e").time(Instant.parse("2026-12-07T08:00:00Z")).build();
        Event atUtc = EventTest.minimal().id("e").timeWithOffset(OffsetDateTime.parse("2026-12-07T08:00:00+00:00")).build();

        assertThat(EventBinaryFormat.encode(atUtc)).isEqualTo(EventBinaryFormat.encode(asInstant));
        assertThat(EventBinaryFormat.encode(atUtc)[1] & 0x80).as("flag bit 7").isZero();
        assertThat(atUtc).isEqualTo(asInstant);
    }

    @Test
    void theSameInstantAtAnotherOffsetIsAnotherEventAndAnotherEncoding() {
        Event utc = EventTest.minimal().id("e").time(Instant.parse("2026-12-07T08:00:00Z")).build();
        Event berlin = EventTest.minimal().id("e").timeWithOffset(OffsetDateTime.parse("2026-12-07T09:00:00+01:00")).build();

        assertThat(berlin).isNotEqualTo(utc);
        assertThat(roundTrip(berlin).time()).isEqualTo(utc.time());
        assertThat(roundTrip(berlin)).isEqualTo(berlin).isNotEqualTo(utc);
    }

    @Test
    void extensionsOfEveryTypeRoundTripWithTheirTypes() {
        Event event = goldenTypedEvent();

        Event decoded = roundTrip(event);

        assertSameEvent(decoded, event);
        assertThat(decoded.extensionValue("priority")).contains(7);
        assertThat(decoded.extensionValue("urgent")).contains(true);
        assertThat(decoded.extensionValue("home")).contains(URI.create("https://shop.example.com"));
        assertThat(decoded.extensionType("path")).isEqualTo(ExtensionType.URI_REF);
        assertThat(decoded.extensionValue("due")).contains(OffsetDateTime.parse("2026-12-24T18:00:00+01:00"));
        assertThat((byte[]) decoded.extensionValue("sig").orElseThrow()).containsExactly(0, 1, 0xff);
        assertThat(decoded.extensionType("partitionkey")).isEqualTo(ExtensionType.STRING);
    }

    @Test
    void stringExtensionsAreWrittenWithoutTypeBytesOrExtendedFlags() {
        Event strings = EventTest.minimal().id("e").time(null).extension("priority", "7").build();

        byte[] bytes = EventBinaryFormat.encode(strings);

        // version, flags (extensions), id, source, type, then count 1, "priority", "7": no type byte
        assertThat(bytes[1]).isEqualTo((byte) 0b0010_0000);
        assertThat(Arrays.copyOfRange(bytes, bytes.length - 12, bytes.length))
                .containsExactly(1, 8, 'p', 'r', 'i', 'o', 'r', 'i', 't', 'y', 1, '7');
    }

    @Test
    void oneTypedExtensionGivesEveryExtensionATypeByte() {
        Event typed = EventTest.minimal().id("e").time(null).extension("region", "eu").extension("priority", 7).build();

        byte[] bytes = EventBinaryFormat.encode(typed);

        assertThat(bytes[1] & 0xFF).isEqualTo(0b1010_0000);
        assertThat(bytes[2]).as("extended flags: extension types").isEqualTo((byte) 1);
        assertThat(Arrays.copyOfRange(bytes, bytes.length - 24, bytes.length))
                .containsExactly(2, 6, 'r', 'e', 'g', 'i', 'o', 'n', 0, 2, 'e', 'u', 8, 'p', 'r', 'i', 'o', 'r', 'i', 't', 'y', 1, 1, '7');
    }

    @Test
    void anEventIsDecodedFromTheMiddleOfABuffer() {
        Event first = EventTest.full().build();
        Event second = EventTest.minimal().id("second").build();
        byte[] buffer = new byte[7 + EventBinaryFormat.maxEncodedSize(first) + EventBinaryFormat.maxEncodedSize(second)];

        int endOfFirst = EventBinaryFormat.encode(first, buffer, 7);
        int endOfSecond = EventBinaryFormat.encode(second, buffer, endOfFirst);

        assertSameEvent(EventBinaryFormat.decode(buffer, 7, endOfFirst - 7), first);
        assertSameEvent(EventBinaryFormat.decode(buffer, endOfFirst, endOfSecond - endOfFirst), second);
    }

    @Test
    void encodeReturnsAnArrayOfExactlyTheEncodedLength() {
        Event event = EventTest.full().build();
        byte[] buffer = new byte[EventBinaryFormat.maxEncodedSize(event)];

        int end = EventBinaryFormat.encode(event, buffer, 0);

        assertThat(EventBinaryFormat.encode(event)).hasSize(end).isEqualTo(Arrays.copyOf(buffer, end));
    }

    // ---- malformed input ----

    @Test
    void everyTruncationOfAnEventIsRefusedWithAMessage() {
        byte[] bytes = EventBinaryFormat.encode(EventTest.full().build());

        for (int length = 0; length < bytes.length; length++) {
            int cut = length;
            assertThatThrownBy(() -> EventBinaryFormat.decode(bytes, 0, cut))
                    .as("decoding the first %d of %d bytes", cut, bytes.length)
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageStartingWith("malformed event: ")
                    .hasMessageMatching("malformed event: (record ends after \\d+ bytes, needed \\d+ more"
                            + "|length \\d+ exceeds the \\d+ bytes left)");
        }
    }

    @Test
    void anEmptyInputIsRefused() {
        assertThatThrownBy(() -> EventBinaryFormat.decode(new byte[0], 0, 0))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("malformed event: record ends after 0 bytes, needed 1 more");
    }

    @ParameterizedTest
    @ValueSource(bytes = {0, 2, 3, 0x7f, -1, -128})
    void anUnknownVersionByteIsRefusedNamingTheVersion(byte version) {
        byte[] bytes = EventBinaryFormat.encode(EventTest.full().build());
        bytes[0] = version;

        assertThatThrownBy(() -> EventBinaryFormat.decode(bytes, 0, bytes.length))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("malformed event: unknown event format version " + version + " (this reader knows 1)");
    }

    @Test
    void trailingBytesAfterTheEventAreRefused() {
        byte[] event = EventBinaryFormat.encode(EventTest.full().build());
        byte[] bytes = Arrays.copyOf(event, event.length + 3);

        assertThatThrownBy(() -> EventBinaryFormat.decode(bytes, 0, bytes.length))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("malformed event: 3 trailing bytes after the event");
    }

    @Test
    void aLengthBeyondTheRecordIsRefused() {
        // version 1, no flags, an id string claiming 100 bytes
        byte[] bytes = {1, 0, 100, 'a', 'b'};

        assertThatThrownBy(() -> EventBinaryFormat.decode(bytes, 0, bytes.length))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("malformed event: length 100 exceeds the 2 bytes left");
    }

    @Test
    void aVarintLongerThanTenBytesIsRefused() {
        byte[] bytes = {1, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0};

        assertThatThrownBy(() -> EventBinaryFormat.decode(bytes, 0, bytes.length))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("varint longer than 10 bytes");
    }

    @Test
    void aRangeOutsideTheBufferIsRefusedBeforeAnyRead() {
        byte[] buffer = new byte[4];

        assertThatThrownBy(() -> EventBinaryFormat.decode(buffer, 2, 5))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("malformed event: record bounds [2, 7) outside a buffer of 4");
        assertThatThrownBy(() -> EventBinaryFormat.decode(buffer, -1, 2))
                .isInstanceOf(MalformedEventException.class);
        assertThatThrownBy(() -> EventBinaryFormat.decode(buffer, 2, -1))
                .isInstanceOf(MalformedEventException.class);
    }

    // ---- random events ----

    @Property(tries = 1000)
    void anyEventRoundTripsExactly(@ForAll("events") Event event) {
        byte[] bytes = EventBinaryFormat.encode(event);

        Event decoded = EventBinaryFormat.decode(bytes, 0, bytes.length);

        assertSameEvent(decoded, event);
        assertThat(EventBinaryFormat.encode(decoded)).as("re-encoding the decoded event").isEqualTo(bytes);
    }

    @Property(tries = 1000)
    void maxEncodedSizeBoundsTheEncodedSize(@ForAll("events") Event event) {
        int bound = EventBinaryFormat.maxEncodedSize(event);
        byte[] buffer = new byte[bound];

        int end = EventBinaryFormat.encode(event, buffer, 0);

        assertThat(end).isLessThanOrEqualTo(bound);
    }

    @Property(tries = 300)
    void anyEventDecodesFromAnOffsetAmidOtherBytes(@ForAll("events") Event event,
                                                   @ForAll byte[] before, @ForAll byte[] after) {
        byte[] encoded = EventBinaryFormat.encode(event);
        byte[] buffer = new byte[before.length + encoded.length + after.length];
        System.arraycopy(before, 0, buffer, 0, before.length);
        System.arraycopy(encoded, 0, buffer, before.length, encoded.length);
        System.arraycopy(after, 0, buffer, before.length + encoded.length, after.length);

        assertSameEvent(EventBinaryFormat.decode(buffer, before.length, encoded.length), event);
    }

    @Provide
    Arbitrary<Event> events() {
        Arbitrary<String> ids = Arbitraries.oneOf(
                Arbitraries.<String>just(null), // the builder assigns a UUIDv7
                Arbitraries.create(() -> UUID.randomUUID().toString()),
                Arbitraries.create(() -> UUID.randomUUID().toString().toUpperCase(Locale.ROOT)),
                text(1, 40));
        Arbitrary<String> sources = Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().withChars("/._~-").ofMinLength(1).ofMaxLength(30),
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(20).map(s -> "https://example.com/" + s + "?q=ü"),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20).map(s -> "urn:herald:" + s));
        Arbitrary<Optional<Instant>> times = Arbitraries.frequencyOf(
                        Tuple.of(8, Combinators.combine(
                                        Arbitraries.longs().between(-5_000_000_000L, 10_000_000_000L),
                                        Arbitraries.integers().between(0, 999_999_999))
                                .as(Instant::ofEpochSecond)),
                        Tuple.of(1, Arbitraries.of(Instant.MIN, Instant.MAX, Instant.EPOCH,
                                Instant.ofEpochSecond(-1, 999_999_999))))
                .optional(0.8);
        Arbitrary<ZoneOffset> offsets = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(ZoneOffset.UTC)),
                Tuple.of(3, Arbitraries.integers().between(-18 * 4, 18 * 4).map(q -> ZoneOffset.ofTotalSeconds(q * 900))),
                Tuple.of(1, Arbitraries.integers().between(-18 * 3600, 18 * 3600).map(ZoneOffset::ofTotalSeconds)));
        Arbitrary<UnaryOperator<Event.Builder>> timesWithOffsets = Combinators.combine(times, offsets)
                .as((time, offset) -> b -> {
                    try {
                        return b.timeWithOffset(time.map(t -> t.atOffset(offset)).orElse(null));
                    } catch (DateTimeException beyondOffsetDateTime) {
                        return b.time(time.orElseThrow()); // Instant.MIN and MAX: only UTC holds them
                    }
                });
        Arbitrary<Optional<String>> subjects = text(1, 60).optional(0.5);
        Arbitrary<Optional<String>> contentTypes = Arbitraries.of("application/json", "text/plain; charset=utf-8",
                "application/octet-stream", "application/vnd.example+json").optional(0.5);
        Arbitrary<Optional<String>> schemas = Arbitraries.strings().alpha().numeric().ofMaxLength(20)
                .map(s -> "https://example.com/schemas/" + s).optional(0.3);
        Arbitrary<Map<String, String>> extensions = Arbitraries.maps(
                        Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(20)
                                .filter(name -> !EventValidation.CORE_ATTRIBUTES.contains(name))
                                .filter(name -> !name.equals(Event.TRACEPARENT)),
                        text(1, 30))
                .ofMaxSize(6);
        Arbitrary<Optional<byte[]>> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000).optional(0.7);
        Arbitrary<UnaryOperator<Event.Builder>> typedExtension = Arbitraries.oneOf(
                Arbitraries.integers().map(i -> b -> b.extension("typedint", i)),
                Arbitraries.of(true, false).map(v -> b -> b.extension("typedbool", v)),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10).map(s -> b -> b.uriExtension("typeduri", URI.create("https://x.example/" + s))),
                Arbitraries.strings().alpha().ofMaxLength(10).map(s -> b -> b.uriExtension("typedref", URI.create(s))),
                Arbitraries.longs().between(-5_000_000_000L, 10_000_000_000L)
                        .map(sec -> b -> b.timestampExtension("typedtime", Instant.ofEpochSecond(sec, sec % 1000).atOffset(ZoneOffset.ofHours(-3)))),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(bytes -> b -> b.binaryExtension("typedbin", bytes)));
        Arbitrary<List<UnaryOperator<Event.Builder>>> typedExtensions = typedExtension.list().ofMaxSize(3);

        return Combinators.combine(ids, sources, text(1, 40), timesWithOffsets, subjects, contentTypes, schemas,
                        Combinators.combine(extensions, data, Arbitraries.of(true, false), typedExtensions).as(ExtensionsAndData::new))
                .as((id, source, type, time, subject, contentType, schema, rest) -> {
                    Event.Builder b = Event.builder()
                            .id(id)
                            .source(source)
                            .type(type)
                            .time((Instant) null)
                            .subject(subject.orElse(null))
                            .dataContentType(contentType.orElse(null))
                            .dataSchema(schema.orElse(null))
                            .data(rest.data().orElse(null));
                    time.apply(b);
                    rest.extensions().forEach(b::extension);
                    if (rest.traceparent()) {
                        b.traceparent(EventTest.TRACEPARENT);
                    }
                    rest.typed().forEach(typed -> typed.apply(b));
                    return b.build();
                });
    }

    record ExtensionsAndData(Map<String, String> extensions, Optional<byte[]> data, boolean traceparent,
                             List<UnaryOperator<Event.Builder>> typed) {
    }

    /** Strings of whole code points from every plane (no lone surrogates, which UTF-8 cannot carry). */
    private static Arbitrary<String> text(int minLength, int maxLength) {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0x20, 0x7e)),
                Tuple.of(2, Arbitraries.integers().between(0, 0xd7ff)),
                Tuple.of(1, Arbitraries.integers().between(0xe000, 0xffff)),
                Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10ffff)));
        return codePoints.list().ofMinSize(minLength).ofMaxSize(maxLength).map(cps -> {
            StringBuilder s = new StringBuilder();
            cps.forEach(s::appendCodePoint);
            return s.toString();
        });
    }

    // ---- golden file ----

    /*
     * The golden files pin the on-disk layout of EventBinaryFormat version 1: events written by any
     * earlier build must still decode. If this test fails because the layout changed on purpose, do
     * NOT edit the old golden files: add what is new behind an extended flag (as the time offset and
     * the extension types were, event-v1-time-offset.hex and event-v1-extension-types.hex), or bump
     * EventBinaryFormat.VERSION, keep a reader for version 1, and add event-v2*.hex next to the old ones.
     */

    /** Every attribute set, unicode in the subject, a canonical UUID id (flag bit 0). */
    static Event goldenEvent() {
        return Event.builder()
                .id("0190f5a2-3b4c-7d5e-8f60-718293a4b5c6")
                .source("https://shop.example.com/orders")
                .type("com.example.order.placed")
                .time(Instant.parse("2026-03-14T15:09:26.535897932Z"))
                .subject("Bestellung-1042-größe-🦉")
                .json("{\"orderId\":1042,\"total\":99.95,\"currency\":\"EUR\"}")
                .dataSchema("https://shop.example.com/schemas/order-placed/v1.json")
                .partitionKey("customer-7")
                .traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .correlationId("corr-0001")
                .causationId("0190f5a2-0000-7000-8000-000000000001")
                .extension("region", "eu-west-1")
                .build();
    }

    /** A string id, a time before 1970 (negative zig-zag seconds), no data and no other optional attribute. */
    static Event goldenStringIdEvent() {
        return Event.builder()
                .id("legacy-order-42")
                .source("/legacy")
                .type("order.imported")
                .time(Instant.parse("1969-07-20T20:17:40.000000001Z"))
                .build();
    }

    @Test
    void theGoldenEventEncodesToTheVersion1GoldenBytes() {
        assertThat(HexFormat.of().formatHex(EventBinaryFormat.encode(goldenEvent())))
                .isEqualTo(HexFormat.of().formatHex(golden("event-v1.hex")));
    }

    @Test
    void theVersion1GoldenBytesDecodeToTheGoldenEvent() {
        byte[] bytes = golden("event-v1.hex");

        assertSameEvent(EventBinaryFormat.decode(bytes, 0, bytes.length), goldenEvent());
    }

    @Test
    void theStringIdGoldenEventEncodesToItsVersion1GoldenBytes() {
        assertThat(HexFormat.of().formatHex(EventBinaryFormat.encode(goldenStringIdEvent())))
                .isEqualTo(HexFormat.of().formatHex(golden("event-v1-string-id.hex")));
    }

    @Test
    void theStringIdGoldenBytesDecodeToTheStringIdEvent() {
        byte[] bytes = golden("event-v1-string-id.hex");

        assertSameEvent(EventBinaryFormat.decode(bytes, 0, bytes.length), goldenStringIdEvent());
    }

    @Test
    void theGoldenBytesStartWithVersion1AndTheFlagsOfTheAttributesPresent() {
        byte[] full = golden("event-v1.hex");
        byte[] stringId = golden("event-v1-string-id.hex");

        assertThat(full[0]).isEqualTo(EventBinaryFormat.VERSION).isEqualTo((byte) 1);
        assertThat(full[1]).isEqualTo((byte) 0b0111_1111);
        assertThat(stringId[0]).isEqualTo((byte) 1);
        assertThat(stringId[1]).isEqualTo((byte) 0b0000_0010);
    }

    /** The time at an offset: flag bit 7 and its extended flags, written only for what version 1 could not hold. */
    static Event goldenTimeOffsetEvent() {
        return Event.builder()
                .id("0190f5a2-3b4c-7d5e-8f60-718293a4b5c7")
                .source("/shop")
                .type("order.shipped")
                .timeWithOffset(OffsetDateTime.parse("2026-12-07T10:00:00.123456789+02:00"))
                .build();
    }

    @Test
    void theTimeOffsetGoldenEventEncodesToItsGoldenBytes() {
        assertThat(HexFormat.of().formatHex(EventBinaryFormat.encode(goldenTimeOffsetEvent())))
                .isEqualTo(HexFormat.of().formatHex(golden("event-v1-time-offset.hex")));
    }

    @Test
    void theTimeOffsetGoldenBytesDecodeToTheEventAtItsOffset() {
        byte[] bytes = golden("event-v1-time-offset.hex");

        Event decoded = EventBinaryFormat.decode(bytes, 0, bytes.length);

        assertSameEvent(decoded, goldenTimeOffsetEvent());
        assertThat(decoded.timeWithOffset()).contains(OffsetDateTime.parse("2026-12-07T10:00:00.123456789+02:00"));
    }

    @Test
    void anEventWithExtendedFlagsSetsFlagBit7WhichAVersion1ReaderRefusesAsUnknown() {
        byte[] bytes = golden("event-v1-time-offset.hex");
        int versionOneReadersKnownFlags = 0x7F; // what every reader before the extended flags accepted

        assertThat(bytes[1] & 0xFF & ~versionOneReadersKnownFlags).isEqualTo(0x80);
        assertThat(bytes[2]).as("extended flags: time offset").isEqualTo((byte) 0b0000_0010);
    }

    /** Extensions of every type beside a string one, and a time at a negative offset: both extended flags. */
    static Event goldenTypedEvent() {
        return Event.builder()
                .id("0190f5a2-3b4c-7d5e-8f60-718293a4b5c8")
                .source("/shop")
                .type("order.flagged")
                .timeWithOffset(OffsetDateTime.parse("2026-12-07T10:00:00-05:30"))
                .partitionKey("customer-7")
                .extension("priority", 7)
                .extension("urgent", true)
                .uriExtension("home", URI.create("https://shop.example.com"))
                .uriExtension("path", URI.create("../orders/1"))
                .timestampExtension("due", OffsetDateTime.parse("2026-12-24T18:00:00+01:00"))
                .binaryExtension("sig", new byte[] {0, 1, (byte) 0xff})
                .build();
    }

    @Test
    void theTypedGoldenEventEncodesToItsGoldenBytes() {
        assertThat(HexFormat.of().formatHex(EventBinaryFormat.encode(goldenTypedEvent())))
                .isEqualTo(HexFormat.of().formatHex(golden("event-v1-extension-types.hex")));
    }

    @Test
    void theTypedGoldenBytesDecodeToTheTypedEvent() {
        byte[] bytes = golden("event-v1-extension-types.hex");

        assertSameEvent(EventBinaryFormat.decode(bytes, 0, bytes.length), goldenTypedEvent());
        assertThat(bytes[2]).as("extended flags: extension types, time offset").isEqualTo((byte) 0b0000_0011);
    }

    /** Hex text; whitespace and {@code #} comments are ignored. */
    static byte[] golden(String name) {
        try (InputStream in = EventBinaryFormatTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file /golden/%s on the test class path", name).isNotNull();
            List<String> hex = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int comment = line.indexOf('#');
                hex.add((comment < 0 ? line : line.substring(0, comment)).replaceAll("\\s", ""));
            }
            return HexFormat.of().parseHex(String.join("", hex));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
