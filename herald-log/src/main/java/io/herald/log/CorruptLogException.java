package io.herald.log;

/** Log data that fails its checks where no recovery applies (a sealed segment read after open); names the file and offset. */
public final class CorruptLogException extends RuntimeException {

    public CorruptLogException(String message) {
        super(message);
    }
}
