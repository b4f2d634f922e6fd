package io.herald.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads a {@code text/event-stream} body event by event, as the HTML standard's parsing rules
 * say: lines {@code field: value} (one optional space after the colon), {@code :} starting a
 * comment, a blank line ending an event; {@code data} lines joined with newlines. What a client
 * of the server's streams (a read that follows a topic, a subscription's delivery stream) reads
 * them with. Not
 * thread-safe: the thread that reads the stream calls {@link #next()}.
 */
public final class ServerSentEvents implements AutoCloseable {

    /** One event: its {@code id} (null when it had none), its {@code event} name (null = message) and its data. */
    public record Event(String id, String name, String data) {
    }

    private final InputStream stream;
    private final BufferedReader lines;

    public ServerSentEvents(InputStream stream) {
        this.stream = stream;
        this.lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
    }

    /** The next event with data, waiting for it; null at the end of the stream. */
    public Event next() throws IOException {
        String id = null;
        String name = null;
        StringBuilder data = null;
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(id, name, data.toString());
                }
                id = null;
                name = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue; // a comment: the server's keep-alive
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> name = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                    // retry and unknown fields: nothing a Herald stream needs
                }
            }
        }
        return null;
    }

    /** Ends the stream; a thread blocked in {@link #next()} gets an {@link IOException} or the end. */
    @Override
    public void close() {
        try {
            stream.close();
        } catch (IOException e) {
            // closing a stream the server already ended
        }
    }
}
