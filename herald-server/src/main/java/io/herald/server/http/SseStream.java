package io.herald.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A Server-Sent Events answer, written straight to the response: {@link #event} flushes each
 * event as it is written, so a client sees it at once; a loop that has several events in hand
 * {@link #append}s them and {@link #flush}es once (a flush is a write to the socket: one per
 * event per subscriber was a fifth of the server's CPU when 100 subscribers followed a topic).
 * A write that fails means the client went away; {@link #open()} turns false and the caller's
 * loop ends. Not thread-safe: one thread writes.
 */
public final class SseStream {

    /** Comments this often keep proxies and the server's idle timeout from closing a quiet stream. */
    public static final long KEEP_ALIVE_NANOS = 15_000_000_000L;

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

    /** One event, flushed; {@code id} and {@code name} may be null. The data must be one line (compact JSON is). */
    public void event(String id, String name, String data) {
        append(id, name, data);
        flush();
    }

    /** One event, written but not flushed: call {@link #flush()} after the last of a batch. */
    public void append(String id, String name, String data) {
        StringBuilder b = new StringBuilder(data.length() + 64);
        if (id != null) {
            b.append("id: ").append(id).append('\n');
        }
        if (name != null) {
            b.append("event: ").append(name).append('\n');
        }
        b.append("data: ").append(data).append("\n\n");
        write(b.toString(), false);
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
        write(": " + text + "\n\n", true);
    }

    /** Writes a keep-alive comment when nothing was written for a while. */
    public void keepAlive() {
        if (System.nanoTime() - lastWrite > KEEP_ALIVE_NANOS) {
            comment("keep-alive");
        }
    }

    private void write(String text, boolean flush) {
        if (!open) {
            return;
        }
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            if (flush) {
                out.flush();
            }
            lastWrite = System.nanoTime();
        } catch (IOException | RuntimeException e) {
            open = false;
        }
    }
}
