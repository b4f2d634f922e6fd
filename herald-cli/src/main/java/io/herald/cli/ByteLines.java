package io.herald.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The lines of a stream as the bytes they are: split at {@code \n} and nothing else decoded or
 * replaced, so that data published from them arrives byte for byte. Not thread-safe.
 */
final class ByteLines {

    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    ByteLines(InputStream in) {
        this.in = new BufferedInputStream(in);
    }

    /** The next line without its {@code \n}, or null at the end of the stream. */
    byte[] next() throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return line.toByteArray();
            }
            line.write(b);
        }
        return line.size() > 0 ? line.toByteArray() : null;
    }

    /** Whether more bytes can be read without waiting: false when the writer paused. */
    boolean ready() throws IOException {
        return in.available() > 0;
    }

    /** Whether the line holds only spaces, tabs and carriage returns: such lines are skipped. */
    static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
