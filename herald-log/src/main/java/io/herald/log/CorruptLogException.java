package io.herald.log;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Log data that fails its checks where no recovery applies: a batch of a sealed segment that
 * fails its CRC when read, or a range that recovery found damaged on open (it is kept on disk,
 * never cut, so that an operator can restore it). Names the file, the byte, the offsets it
 * covers and the check that failed. Only reads of that range fail: what lies before and after
 * it stays readable from {@link #resumeOffset()} on.
 */
public final class CorruptLogException extends RuntimeException {

    private final Path file;
    private final long firstOffset;
    private final long resumeOffset;

    public CorruptLogException(String message) {
        super(message);
        this.file = null;
        this.firstOffset = -1;
        this.resumeOffset = -1;
    }

    /**
     * Damage in {@code file} at {@code bytePosition}, covering offsets from {@code firstOffset} up
     * to {@code resumeOffset} (exclusive; -1 if the damage hides where it ends).
     */
    CorruptLogException(Path file, long bytePosition, long firstOffset, long resumeOffset, String problem) {
        super(file + " at byte " + bytePosition + ", "
                + (resumeOffset > firstOffset ? "offsets " + firstOffset + " to " + (resumeOffset - 1) : "from offset " + firstOffset)
                + ": " + problem);
        this.file = file;
        this.firstOffset = firstOffset;
        this.resumeOffset = resumeOffset;
    }

    /** The segment file the damage is in, if known. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The first offset that cannot be read (-1: not known). */
    public long firstOffset() {
        return firstOffset;
    }

    /** The first offset after the damage, where a reader that chose to skip it could go on, if known. */
    public OptionalLong resumeOffset() {
        return resumeOffset < 0 ? OptionalLong.empty() : OptionalLong.of(resumeOffset);
    }
}
