package io.herald.log;

/** A write to a log whose writer was closed. */
public final class LogClosedException extends RuntimeException {

    public LogClosedException(String log) {
        super("log " + log + " is closed");
    }
}
