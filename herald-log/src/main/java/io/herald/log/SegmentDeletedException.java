package io.herald.log;

import java.nio.file.Path;

/** A read of a segment that retention deleted meanwhile; the reader looks the offset up again. */
final class SegmentDeletedException extends java.io.IOException {

    SegmentDeletedException(Path file) {
        super(file + " was deleted");
    }
}
