package io.herald.server.http;

import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A Server-Sent Events answer, written straight to the response. {@link #event} flushes at once,
 * so a client sees the event; a loop that has a batch in hand {@link #append}s each and flushes
 * once after the last (a flush per event made the fan-out to many readers a write per event per
 * reader). A write that fails means the client went away;
 * {@link #open()} turns false and the caller's loop ends. Not thread-safe: one thread writes.
 */
public final class SseStream {

    /** Comments this often keep proxies and the server's idle timeout from closing a quiet stream. */
    public static final long KEEP_ALIVE_NANOS = 15_000_000_000L;

    private static final byte[] DATA_FIELD = "data: ".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private boolean open = true;
    private long lastWrite = System.nanoTime();

    private SseStream(OutputStream out) {
        this.out = out;
    }

    /** Starts the answer: status 200, {@code text/event-stream}, no caching, no compression. */
    public static SseStream start(Context ctx) throws IOException {
        ctx.disableCompression();
        ctx.status(200);
        ctx.res().setContentType("text/event-stream");
        ctx.res().setCharacterEncoding("UTF-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        SseStream stream = new SseStream(ctx.res().getOutputStream());
        stream.comment("herald");
        return stream;
    }

    public boolean open() {
        return open;
    }

    /** One event, flushed; {@code id} and {@code name} may be null and must be one line each. */
    public void event(String id, String name, String data) {
        event(id, name, data.getBytes(StandardCharsets.UTF_8));
    }

    /** One event whose data is UTF-8, flushed: see {@link #append}. */
    public void event(String id, String name, byte[] data) {
        append(id, name, data);
        flush();
    }

    /**
     * One event whose data is UTF-8; {@code id} and {@code name} may be null and must be one line
     * each. Data of several lines (JSON data published pretty-printed keeps its line breaks) goes
     * out as one {@code data:} field per line, which a client joins with {@code \n} (SSE
     * specification, "Interpreting an event stream"): a CR or CRLF in it comes back as LF, which
     * between JSON tokens is the same whitespace. Written, not flushed: call {@link #flush()}
     * after the last of a batch.
     */
    public void append(String id, String name, byte[] data) {
        StringBuilder b = new StringBuilder(64);
        if (id != null) {
            b.append("id: ").append(id).append('\n');
        }
        if (name != null) {
            b.append("event: ").append(name).append('\n');
        }
        byte[] head = b.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream(head.length + data.length + 16);
        frame.writeBytes(head);
        int lineStart = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length || data[i] == '\n' || data[i] == '\r') {
                frame.writeBytes(DATA_FIELD);
                frame.write(data, lineStart, i - lineStart);
                frame.write('\n');
                if (i < data.length - 1 && data[i] == '\r' && data[i + 1] == '\n') {
                    i++;
                }
                lineStart = i + 1;
            }
        }
        frame.write('\n');
        write(frame.toByteArray(), false);
    }

    /** Sends what was appended. */
    public void flush() {
        if (!open) {
            return;
        }
        try {
            out.flush();
        } catch (IOException | RuntimeException e) {
            open = false;
        }
    }

    public void comment(String text) {
        write((": " + text + "\n\n").getBytes(StandardCharsets.UTF_8), true);
    }

    /** Writes a keep-alive comment when nothing was written for a while. */
    public void keepAlive() {
        if (System.nanoTime() - lastWrite > KEEP_ALIVE_NANOS) {
            comment("keep-alive");
        }
    }

    private void write(byte[] bytes, boolean flush) {
        if (!open) {
            return;
        }
        try {
            out.write(bytes);
            if (flush) {
                out.flush();
            }
            lastWrite = System.nanoTime();
        } catch (IOException | RuntimeException e) {
            open = false;
        }
    }
}
