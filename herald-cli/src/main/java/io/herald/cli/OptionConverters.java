package io.herald.cli;

import io.herald.broker.DeadLetterSelector;
import io.herald.broker.FsyncPolicy;
import io.herald.broker.Position;
import io.herald.broker.StartPosition;
import io.herald.error.HeraldException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Option values parsed with the API's own parsers, so the CLI accepts exactly what the API does.
 * A value the parser refuses becomes a usage error carrying the parser's message (picocli prefixes
 * it with the option's name).
 */
final class OptionConverters {

    private OptionConverters() {
    }

    private interface Parser<T> {
        T parse(String text);
    }

    private static <T> T convert(String text, Parser<T> parser) {
        try {
            return parser.parse(text);
        } catch (HeraldException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    static final class ToSize implements ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            return OptionConverters.convert(text, ByteSize::parse);
        }
    }

    static final class ToDuration implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            return OptionConverters.convert(text, io.herald.broker.Durations::parse);
        }
    }

    static final class ToFsync implements ITypeConverter<FsyncPolicy> {
        @Override
        public FsyncPolicy convert(String text) {
            return OptionConverters.convert(text, FsyncPolicy::parse);
        }
    }

    static final class ToStartPosition implements ITypeConverter<StartPosition> {
        @Override
        public StartPosition convert(String text) {
            return OptionConverters.convert(text, StartPosition::parse);
        }
    }

    static final class ToInstant implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String text) {
            try {
                return Instant.parse(text.trim());
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + text + "' is not an ISO-8601 instant such as 2026-11-22T10:15:30Z");
            }
        }
    }

    /** {@code PARTITION@OFFSET}, as {@link Position#toString()} prints it. */
    static final class ToPosition implements ITypeConverter<Position> {
        private static final Pattern POSITION = Pattern.compile("(\\d+)@(\\d+)");

        @Override
        public Position convert(String text) {
            Matcher m = POSITION.matcher(text.trim());
            try {
                if (m.matches()) {
                    return new Position(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
                }
            } catch (NumberFormatException tooLarge) {
                // reported below with the text
            }
            throw new TypeConversionException("a position is PARTITION@OFFSET as 'herald dlq list' prints it, such as 0@12; got '"
                    + text + "'");
        }
    }

    /** An EventBridge pattern, compiled (and checked) by the API. */
    static final class ToEventPattern implements ITypeConverter<DeadLetterSelector> {
        @Override
        public DeadLetterSelector convert(String text) {
            return OptionConverters.convert(text, DeadLetterSelector::matching);
        }
    }

    /** {@code PARTITION:FROM-TO}, offsets inclusive: {@code 0:10-20}. */
    static final class ToDeadLetterRange implements ITypeConverter<DeadLetterSelector> {
        private static final Pattern RANGE = Pattern.compile("(\\d+):(\\d+)-(\\d+)");

        @Override
        public DeadLetterSelector convert(String text) {
            Matcher m = RANGE.matcher(text.trim());
            long[] numbers = new long[3];
            boolean valid = m.matches();
            for (int i = 0; valid && i < 3; i++) {
                try {
                    numbers[i] = i == 0 ? Integer.parseInt(m.group(1)) : Long.parseLong(m.group(i + 1));
                } catch (NumberFormatException tooLarge) {
                    valid = false;
                }
            }
            if (!valid) {
                throw new TypeConversionException("a range is PARTITION:FROM-TO (offsets of the dead-letter topic, inclusive), "
                        + "such as 0:10-20; got '" + text + "'");
            }
            return OptionConverters.convert(text, t -> DeadLetterSelector.range((int) numbers[0], numbers[1], numbers[2]));
        }
    }
}
