package io.herald.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The CloudEvents {@code time} attribute as RFC 3339 text, fast for the shape nearly every
 * producer writes, {@code YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±hh:mm)}, and java.time's for the rest.
 *
 * <p>Why: every Kafka record carries its event's time as text ({@code ce_time}); with
 * {@link OffsetDateTime#parse} a third of a PARTITION consumer's CPU went to parsing it (a
 * {@code DateTimeFormatter} run with its field maps per record), and {@link Instant#toString} was
 * a tenth of the publish path. The fast paths read and write the digits directly.
 *
 * <p>The contract is java.time's: {@link #parse} returns what {@code OffsetDateTime.parse(text).toInstant()}
 * returns and refuses what it refuses, with its {@link DateTimeParseException}, and
 * {@link #parseWithOffset} returns what {@code OffsetDateTime.parse(text)} returns; text the fast
 * path does not take (lower-case {@code t}/{@code z}, an offset with seconds, a field out of range,
 * a year beyond 9999) goes to java.time, which decides. {@link #format(Instant)} writes exactly
 * {@link Instant#toString}: UTC, the fraction in groups of three digits; {@link #format(OffsetDateTime)}
 * writes the same digits of the local date-time and the offset as {@code ±hh:mm} ({@code Z} for
 * UTC, so {@code +00:00} comes back as {@code Z}; an offset with seconds, which RFC 3339 cannot
 * express, as java.time's {@code ±hh:mm:ss}, which {@link #parse} reads back). Stateless and thread-safe.
 */
public final class Rfc3339 {

    private static final int SECONDS_PER_DAY = 86_400;
    /** Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar (for {@link #epochDay}). */
    private static final long DAYS_0000_TO_1970 = 719_468;
    /** Not an offset in seconds (those lie within ±18 h): {@link #offsetSeconds} found no valid one. */
    private static final int NO_OFFSET = Integer.MIN_VALUE;
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private Rfc3339() {
    }

    /** The instant the text names; throws {@link DateTimeParseException} when it is no RFC 3339 date-time with offset. */
    public static Instant parse(CharSequence text) {
        Instant fast = parseCommonShape(text);
        return fast != null ? fast : OffsetDateTime.parse(text).toInstant();
    }

    /**
     * The date-time the text names, with the offset it was written with (where {@link #parse}
     * keeps only the instant); throws {@link DateTimeParseException} as {@link #parse} does.
     */
    public static OffsetDateTime parseWithOffset(CharSequence text) {
        Instant fast = parseCommonShape(text);
        if (fast == null) {
            return OffsetDateTime.parse(text);
        }
        int n = text.length();
        int offsetSeconds = text.charAt(n - 1) == 'Z' ? 0 : offsetSeconds(text, n - 6);
        return OffsetDateTime.ofInstant(fast, offsetSeconds == 0 ? ZoneOffset.UTC : ZoneOffset.ofTotalSeconds(offsetSeconds));
    }

    /** The text of {@link Instant#toString}; years 0 to 9999 without java.time's formatter. */
    public static String format(Instant instant) {
        return new String(formatToAscii(instant), StandardCharsets.ISO_8859_1);
    }

    /** The local date-time and its offset, {@code Z} for UTC; the digits as {@link #format(Instant)} writes them. */
    public static String format(OffsetDateTime time) {
        return new String(formatToAscii(time.toInstant(), time.getOffset()), StandardCharsets.ISO_8859_1);
    }

    /** {@link #format(OffsetDateTime)} of the instant at the offset, without building the OffsetDateTime. */
    static String format(Instant instant, ZoneOffset offset) {
        return new String(formatToAscii(instant, offset), StandardCharsets.ISO_8859_1);
    }

    /**
     * {@link #format} as US-ASCII bytes, for a protocol that carries bytes (a Kafka header): the
     * digits are written once, without a {@code String} between them and the record.
     */
    public static byte[] formatToAscii(Instant instant) {
        return formatToAscii(instant, ZoneOffset.UTC);
    }

    /** {@link #format(OffsetDateTime)} of the instant at the offset, as US-ASCII bytes. */
    public static byte[] formatToAscii(Instant instant, ZoneOffset offset) {
        int offsetSeconds = offset.getTotalSeconds();
        long seconds = instant.getEpochSecond() + offsetSeconds; // the local date-time's digits
        long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        // civil-from-days (H. Hinnant): eras of 400 years starting on March 1st
        long z = day + DAYS_0000_TO_1970;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int dayOfMonth = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            // a sign and more digits: java.time's rules
            String text = offsetSeconds == 0 ? instant.toString() : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atOffset(offset));
            return text.getBytes(StandardCharsets.US_ASCII);
        }
        int nanos = instant.getNano();
        int fractionDigits = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        int offsetLength = offsetSeconds == 0 ? 1 : offsetSeconds % 60 == 0 ? 6 : 9;
        byte[] out = new byte[19 + (fractionDigits == 0 ? 0 : fractionDigits + 1) + offsetLength];
        digits(out, 0, (int) year, 4);
        out[4] = '-';
        digits(out, 5, month, 2);
        out[7] = '-';
        digits(out, 8, dayOfMonth, 2);
        out[10] = 'T';
        digits(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        digits(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, secondOfDay % 60, 2);
        int at = 19;
        if (fractionDigits > 0) {
            out[at++] = '.';
            digits(out, at, nanos / POWERS_OF_TEN[9 - fractionDigits], fractionDigits);
            at += fractionDigits;
        }
        if (offsetSeconds == 0) {
            out[at] = 'Z';
            return out;
        }
        int abs = Math.abs(offsetSeconds);
        out[at] = (byte) (offsetSeconds < 0 ? '-' : '+');
        digits(out, at + 1, abs / 3600, 2);
        out[at + 3] = ':';
        digits(out, at + 4, abs / 60 % 60, 2);
        if (offsetLength == 9) {
            out[at + 6] = ':';
            digits(out, at + 7, abs % 60, 2);
        }
        return out;
    }

    private static void digits(byte[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /** The instant of text in the common shape with every field in range, or null to let java.time decide. */
    private static Instant parseCommonShape(CharSequence s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = number(s, 0, 4);
        int month = number(s, 5, 2);
        int day = number(s, 8, 2);
        int hour = number(s, 11, 2);
        int minute = number(s, 14, 2);
        int second = number(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0 || month < 1 || month > 12 || day < 1
                || day > lengthOfMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        int at = 19;
        int nanos = 0;
        if (s.charAt(at) == '.') {
            int start = ++at;
            while (at < n && at - start < 9 && isDigit(s.charAt(at))) {
                nanos = nanos * 10 + (s.charAt(at) - '0');
                at++;
            }
            int count = at - start;
            if (count == 0) {
                return null;
            }
            nanos *= POWERS_OF_TEN[9 - count];
        }
        int offsetSeconds;
        if (at == n - 1 && s.charAt(at) == 'Z') {
            offsetSeconds = 0;
        } else if (at == n - 6) {
            offsetSeconds = offsetSeconds(s, at);
            if (offsetSeconds == NO_OFFSET) {
                return null;
            }
        } else {
            return null;
        }
        long epochSecond = epochDay(year, month, day) * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second - offsetSeconds;
        return Instant.ofEpochSecond(epochSecond, nanos);
    }

    /** The seconds of the {@code ±hh:mm} offset at {@code at}, or {@link #NO_OFFSET} when it is no valid one. */
    private static int offsetSeconds(CharSequence s, int at) {
        char sign = s.charAt(at);
        if ((sign != '+' && sign != '-') || s.charAt(at + 3) != ':') {
            return NO_OFFSET;
        }
        int offsetHours = number(s, at + 1, 2);
        int offsetMinutes = number(s, at + 4, 2);
        if ((offsetHours | offsetMinutes) < 0 || offsetHours > 18 || offsetMinutes > 59 || (offsetHours == 18 && offsetMinutes > 0)) {
            return NO_OFFSET;
        }
        return (offsetHours * 3600 + offsetMinutes * 60) * (sign == '-' ? -1 : 1);
    }

    /** The decimal number of width digits at from, or -1 when one of them is no ASCII digit. */
    private static int number(CharSequence s, int from, int width) {
        int value = 0;
        for (int i = from; i < from + width; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 (days-from-civil, H. Hinnant); year 0 to 9999 here. */
    private static long epochDay(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - DAYS_0000_TO_1970;
    }
}
