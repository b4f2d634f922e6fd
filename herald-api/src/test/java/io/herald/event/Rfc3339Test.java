package io.herald.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The fast RFC 3339 paths give java.time's answers: the same instant, the same text, the same refusals. */
class Rfc3339Test {

    @Property(tries = 2000)
    void formatIsInstantToStringAndParseReadsItBack(@ForAll("instants") Instant t) {
        String text = Rfc3339.format(t);
        assertThat(text).isEqualTo(t.toString());
        assertThat(Rfc3339.formatToAscii(t)).isEqualTo(t.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(Rfc3339.parse(text)).isEqualTo(t);
    }

    @Property(tries = 2000)
    void validTextParsesAsJavaTimeParsesIt(@ForAll("validTimes") String text) {
        assertThat(Rfc3339.parse(text)).isEqualTo(OffsetDateTime.parse(text).toInstant());
        assertThat(Rfc3339.parseWithOffset(text)).isEqualTo(OffsetDateTime.parse(text));
    }

    /** The local date-time's digits as Instant.toString writes them for UTC, then the offset: java.time's id for it. */
    @Property(tries = 2000)
    void aTimeWithAnOffsetIsWrittenAsItsLocalDigitsAndTheOffsetAndReadBackExactly(@ForAll("instants") Instant t,
                                                                                 @ForAll("offsets") ZoneOffset offset) {
        long localSecond = t.getEpochSecond() + offset.getTotalSeconds();
        Assume.that(localSecond >= LocalDateTime.MIN.toEpochSecond(ZoneOffset.UTC) && localSecond <= LocalDateTime.MAX.toEpochSecond(ZoneOffset.UTC));
        OffsetDateTime time = t.atOffset(offset);
        String local = time.toLocalDateTime().toInstant(ZoneOffset.UTC).toString();

        String text = Rfc3339.format(time);

        if (time.getYear() >= 0 && time.getYear() <= 9999) {
            assertThat(text).isEqualTo(local.substring(0, local.length() - 1) + offset.getId());
        }
        assertThat(Rfc3339.formatToAscii(t, offset)).isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(Rfc3339.parseWithOffset(text)).isEqualTo(time);
        assertThat(Rfc3339.parse(text)).isEqualTo(t);
    }

    @Test
    void theOffsetIsKeptToTheNanosecond() {
        OffsetDateTime time = OffsetDateTime.parse("2026-12-07T10:00:00.123456789+02:00");

        assertThat(Rfc3339.format(time)).isEqualTo("2026-12-07T10:00:00.123456789+02:00");
        assertThat(Rfc3339.parseWithOffset("2026-12-07T10:00:00.123456789+02:00")).isEqualTo(time);
        assertThat(Rfc3339.format(OffsetDateTime.parse("1969-12-31T19:30:00.5-04:30"))).isEqualTo("1969-12-31T19:30:00.500-04:30");
        assertThat(Rfc3339.format(OffsetDateTime.parse("2026-12-07T00:00:00+01:00:30"))).isEqualTo("2026-12-07T00:00:00+01:00:30");
    }

    @Test
    void utcIsWrittenAsZWhateverItWasReadAs() {
        assertThat(Rfc3339.parseWithOffset("2026-12-07T10:00:00+00:00").getOffset()).isEqualTo(ZoneOffset.UTC);
        assertThat(Rfc3339.parseWithOffset("2026-12-07T10:00:00-00:00").getOffset()).isEqualTo(ZoneOffset.UTC);
        assertThat(Rfc3339.format(OffsetDateTime.parse("2026-12-07T10:00:00+00:00"))).isEqualTo("2026-12-07T10:00:00Z");
    }

    /** Any text, broken or not: Rfc3339 accepts exactly what java.time accepts, with the same instant. */
    @Property(tries = 3000)
    void mutatedTextIsAcceptedOrRefusedAsJavaTimeDoes(@ForAll("validTimes") String valid, @ForAll @IntRange(min = 0, max = 40) int at,
                                                       @ForAll("replacements") char replacement) {
        String text = at < valid.length() ? valid.substring(0, at) + replacement + valid.substring(at + 1) : valid + replacement;
        Instant expected;
        try {
            expected = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException refused) {
            assertThatThrownBy(() -> Rfc3339.parse(text)).isInstanceOf(DateTimeParseException.class);
            assertThatThrownBy(() -> Rfc3339.parseWithOffset(text)).isInstanceOf(DateTimeParseException.class);
            return;
        }
        assertThat(Rfc3339.parse(text)).isEqualTo(expected);
        assertThat(Rfc3339.parseWithOffset(text)).isEqualTo(OffsetDateTime.parse(text));
    }

    @Test
    void shapesOutsideTheFastPathGoToJavaTime() {
        assertThat(Rfc3339.parse("2026-11-22t10:00:00z")).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
        assertThat(Rfc3339.parse("2026-11-22T10:00+01:00")).isEqualTo(Instant.parse("2026-11-22T09:00:00Z"));
        assertThat(Rfc3339.parse("2026-11-22T10:00:00+01:00:30")).isEqualTo(Instant.parse("2026-11-22T08:59:30Z"));
        assertThat(Rfc3339.parse("+12026-11-22T10:00:00Z")).isEqualTo(OffsetDateTime.parse("+12026-11-22T10:00:00Z").toInstant());
        assertThat(Rfc3339.format(Instant.parse("+12026-11-22T10:00:00Z"))).isEqualTo("+12026-11-22T10:00:00Z");
        assertThat(Rfc3339.format(Instant.parse("-0001-01-01T00:00:00.5Z"))).isEqualTo("-0001-01-01T00:00:00.500Z");
    }

    @Test
    void malformedTextIsRefusedWithJavaTimesException() {
        for (String bad : new String[] {"yesterday", "2026-02-29T10:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T10:00:60Z",
                "2026-11-22T10:00:00.1234567890Z", "2026-11-22T10:00:00+19:00", "2026-11-22T10:00:00",
                "2026-11-22 10:00:00Z", "2026-13-01T00:00:00Z", "２０２６-11-22T10:00:00Z", ""}) {
            assertThatThrownBy(() -> Rfc3339.parse(bad)).as(bad).isInstanceOf(DateTimeParseException.class);
        }
    }

    @Provide
    Arbitrary<Instant> instants() {
        // years 0-9999 (the fast path) and beyond it (as far as OffsetDateTime reads), at every fraction precision Instant.toString writes
        Arbitrary<Long> seconds = Arbitraries.oneOf(
                Arbitraries.longs().between(-62_167_219_200L, 253_402_300_799L),
                Arbitraries.longs().between(LocalDateTime.MIN.toEpochSecond(ZoneOffset.UTC), LocalDateTime.MAX.toEpochSecond(ZoneOffset.UTC)));
        Arbitrary<Integer> nanos = Arbitraries.oneOf(
                Arbitraries.just(0),
                Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000),
                Arbitraries.integers().between(0, 999_999).map(us -> us * 1_000),
                Arbitraries.integers().between(0, 999_999_999));
        return Combinators.combine(seconds, nanos).as(Instant::ofEpochSecond);
    }

    @Provide
    Arbitrary<ZoneOffset> offsets() {
        return Arbitraries.oneOf(
                Arbitraries.just(ZoneOffset.UTC),
                Arbitraries.integers().between(-18 * 4, 18 * 4).map(quarters -> ZoneOffset.ofTotalSeconds(quarters * 900)),
                Arbitraries.integers().between(-18 * 60, 18 * 60).map(minutes -> ZoneOffset.ofTotalSeconds(minutes * 60)),
                Arbitraries.integers().between(-18 * 3600, 18 * 3600).map(ZoneOffset::ofTotalSeconds));
    }

    @Provide
    Arbitrary<String> validTimes() {
        Arbitrary<String> date = Arbitraries.integers().between(0, 9999)
                .flatMap(year -> Arbitraries.integers().between(1, 12)
                        .flatMap(month -> Arbitraries.integers().between(1, java.time.YearMonth.of(year, month).lengthOfMonth())
                                .map(day -> String.format("%04d-%02d-%02d", year, month, day))));
        Arbitrary<String> time = Combinators.combine(Arbitraries.integers().between(0, 23), Arbitraries.integers().between(0, 59),
                Arbitraries.integers().between(0, 59)).as((h, m, s) -> String.format("T%02d:%02d:%02d", h, m, s));
        Arbitrary<String> fraction = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(9).map(f -> "." + f));
        Arbitrary<String> offset = Arbitraries.oneOf(Arbitraries.just("Z"),
                Combinators.combine(Arbitraries.of('+', '-'), Arbitraries.integers().between(0, 18), Arbitraries.integers().between(0, 59))
                        .as((sign, h, m) -> String.format("%c%02d:%02d", sign, h, h == 18 ? 0 : m)));
        return Combinators.combine(date, time, fraction, offset).as((d, t, f, o) -> d + t + f + o);
    }

    @Provide
    Arbitrary<Character> replacements() {
        return Arbitraries.of('0', '1', '2', '3', '5', '9', 'Z', 'z', 'T', 't', ':', '-', '+', '.', ' ', 'x', '٣');
    }
}
