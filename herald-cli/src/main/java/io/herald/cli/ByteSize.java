package io.herald.cli;

import io.herald.error.InvalidSpecException;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as people write them: {@code 512}, {@code 64KiB}, {@code 64MiB}, {@code 1GiB}, {@code 1.5GB}.
 * {@code KiB}/{@code MiB}/{@code GiB}/{@code TiB} are powers of 1024, {@code KB}/{@code MB}/{@code GB}/{@code TB}
 * powers of 1000 (as disks are sold); {@code K}, {@code M}, {@code G}, {@code T} alone mean the binary units,
 * as in {@code -Xmx}. Case does not matter.
 */
final class ByteSize {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]*)");

    private static final Map<String, Long> UNITS = Map.ofEntries(
            Map.entry("", 1L), Map.entry("b", 1L),
            Map.entry("k", 1L << 10), Map.entry("kib", 1L << 10), Map.entry("kb", 1_000L),
            Map.entry("m", 1L << 20), Map.entry("mib", 1L << 20), Map.entry("mb", 1_000_000L),
            Map.entry("g", 1L << 30), Map.entry("gib", 1L << 30), Map.entry("gb", 1_000_000_000L),
            Map.entry("t", 1L << 40), Map.entry("tib", 1L << 40), Map.entry("tb", 1_000_000_000_000L));

    private static final String[] BINARY_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private ByteSize() {
    }

    /** The number of bytes; throws {@link InvalidSpecException} naming the text when it is not a size. */
    static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        Long unit = m.matches() ? UNITS.get(m.group(2)) : null;
        if (unit == null) {
            throw new InvalidSpecException("'" + text + "' is not a size: write it as 512, 64KiB, 64MiB, 1GiB or 1GB");
        }
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
        try {
            // A fraction of a byte is a typo, not a size to round.
            return bytes.longValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidSpecException("'" + text + "' is not a whole number of bytes, or more than "
                    + Long.MAX_VALUE + " bytes");
        }
    }

    /** A short human form in binary units with at most one decimal: {@code 812 B}, {@code 1.5 KiB}, {@code 64 MiB}. */
    static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < BINARY_UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = value == Math.rint(value) || value >= 100
                ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.1f", value);
        return number + " " + BINARY_UNITS[unit];
    }
}
