package io.herald.log;

/** A read below the log's start offset (retention deleted it) or past its end. */
public final class OffsetOutOfRangeException extends RuntimeException {

    private final long offset;
    private final long startOffset;
    private final long endOffset;

    public OffsetOutOfRangeException(String log, long offset, long startOffset, long endOffset) {
        super("offset " + offset + " is outside " + log + ", which holds [" + startOffset + ", " + endOffset + ")");
        this.offset = offset;
        this.startOffset = startOffset;
        this.endOffset = endOffset;
    }

    public long offset() {
        return offset;
    }

    public long startOffset() {
        return startOffset;
    }

    public long endOffset() {
        return endOffset;
    }
}
