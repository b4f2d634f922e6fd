package io.herald.log;

import java.nio.file.Path;

/** Hears what recovery cut, so that the caller can log it or a test can assert it. */
@FunctionalInterface
public interface RecoveryListener {

    RecoveryListener IGNORE = (file, position, problem) -> { };

    /** Recovery truncated {@code file} at {@code position} because of {@code problem}. */
    void truncated(Path file, long position, String problem);
}
