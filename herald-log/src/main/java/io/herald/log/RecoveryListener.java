package io.herald.log;

import java.nio.file.Path;

/** Hears what recovery cut, or found damaged and kept, so that the caller can log it or a test can assert it. */
@FunctionalInterface
public interface RecoveryListener {

    RecoveryListener IGNORE = (file, position, problem) -> { };

    /** Recovery truncated {@code file} at {@code position} because of {@code problem}: a torn tail of the last segment. */
    void truncated(Path file, long position, String problem);

    /**
     * Recovery found {@code file} damaged at {@code position} and kept it as it is: reads of the
     * damaged offsets fail with a {@link CorruptLogException}, everything else stays readable.
     */
    default void damaged(Path file, long position, String problem) {
    }
}
