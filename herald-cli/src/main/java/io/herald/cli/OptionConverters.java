package io.herald.cli;

import io.herald.HeraldException;
import io.herald.broker.FsyncPolicy;
import io.herald.broker.StartPosition;
import java.time.Duration;
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
}
