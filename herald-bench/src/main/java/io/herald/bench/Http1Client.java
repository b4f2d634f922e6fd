package io.herald.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/1.1 client for the bench's load: blocking sockets with keep-alive, a pool of at
 * most {@code maxConnections}, requests written in one go, answers read by {@code Content-Length}
 * or chunked. It exists because the JDK's {@code HttpClient} cost the bench JVM about as much CPU
 * per request as the server spent answering it (17 CPU-seconds in the bench JVM against 20 in the
 * server over the same single-event publishes): on two cores the load generator took half the
 * machine from the server it was measuring, while Kafka's peer ran on Kafka's lean client.
 *
 * <p>It speaks only what the bench needs: no TLS, no redirects, no 100-continue, no retries (a
 * request that fails fails the run). A pooled connection idle for longer than {@link #MAX_IDLE_NANOS}
 * is closed rather than reused, well inside the server's 30-s idle timeout. Thread-safe; each
 * connection is used by one request at a time.
 */
final class Http1Client implements AutoCloseable {

    static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int BUFFER = 64 * 1024;

    /** An answer: status, headers (lower-case names; the last value of a repeated one), body. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final String host;
    private final int port;
    private final Semaphore permits;
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private volatile boolean closed;

    Http1Client(URI base, int maxConnections) {
        this.host = base.getHost();
        this.port = base.getPort();
        this.permits = new Semaphore(maxConnections);
    }

    /**
     * Sends a request and reads the whole answer. {@code headers} are name, value pairs; a body
     * (which may be null) is sent with its {@code Content-Length}.
     */
    Response exchange(String method, String target, byte[] body, String... headers) throws IOException, InterruptedException {
        permits.acquire();
        Connection c = null;
        try {
            c = take();
            Response r = c.exchange(method, target, body, headers);
            if (c.reusable()) {
                give(c);
                c = null;
            }
            return r;
        } finally {
            if (c != null) {
                c.close();
            }
            permits.release();
        }
    }

    /**
     * Sends a request whose answer is a stream (Server-Sent Events): returns once the status line
     * and headers are read; the stream gives the body as it comes. The connection is the stream's
     * and closes with it; it does not count against the pool.
     */
    Stream stream(String method, String target, String... headers) throws IOException {
        Connection c = new Connection();
        try {
            c.writeRequest(method, target, null, headers);
            Head head = c.readHead();
            return new Stream(head.status(), head.headers(), c, head.chunked() ? new ChunkedInput(c.in) : c.in);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** A streamed answer. */
    static final class Stream implements AutoCloseable {
        private final int status;
        private final Map<String, String> headers;
        private final Connection connection;
        private final InputStream body;

        private Stream(int status, Map<String, String> headers, Connection connection, InputStream body) {
            this.status = status;
            this.headers = headers;
            this.connection = connection;
            this.body = body;
        }

        int status() {
            return status;
        }

        Map<String, String> headers() {
            return headers;
        }

        InputStream body() {
            return body;
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    private Connection take() throws IOException {
        long now = System.nanoTime();
        synchronized (idle) {
            Connection c;
            while ((c = idle.pollLast()) != null) {
                if (now - c.lastUsed < MAX_IDLE_NANOS) {
                    return c;
                }
                c.close();
            }
        }
        return new Connection();
    }

    private void give(Connection c) {
        c.lastUsed = System.nanoTime();
        synchronized (idle) {
            if (!closed) {
                idle.addLast(c);
                return;
            }
        }
        c.close();
    }

    @Override
    public void close() {
        synchronized (idle) {
            closed = true;
            idle.forEach(Connection::close);
            idle.clear();
        }
    }

    private record Head(int status, Map<String, String> headers, long contentLength, boolean chunked, boolean close) {
    }

    /** One socket; one request at a time. */
    private final class Connection implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private boolean reusable = true;
        private long lastUsed = System.nanoTime();

        Connection() throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
            in = new BufferedInputStream(socket.getInputStream(), BUFFER);
        }

        boolean reusable() {
            return reusable;
        }

        Response exchange(String method, String target, byte[] body, String[] headers) throws IOException {
            writeRequest(method, target, body, headers);
            Head head = readHead();
            byte[] content;
            if (head.chunked()) {
                content = new ChunkedInput(in).readAllBytes();
            } else if (head.contentLength() >= 0) {
                content = in.readNBytes((int) head.contentLength());
                if (content.length < head.contentLength()) {
                    throw new EOFException("the answer ended after " + content.length + " of " + head.contentLength() + " bytes");
                }
            } else if (head.status() == 204 || head.status() == 304 || method.equals("HEAD")) {
                content = new byte[0];
            } else {
                content = in.readAllBytes(); // delimited by the end of the connection
                reusable = false;
            }
            if (head.close()) {
                reusable = false;
            }
            return new Response(head.status(), head.headers(), content);
        }

        void writeRequest(String method, String target, byte[] body, String[] headers) throws IOException {
            StringBuilder b = new StringBuilder(128 + headers.length * 24);
            b.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port).append("\r\n");
            if (body != null) {
                b.append("Content-Length: ").append(body.length).append("\r\n");
            } else if (method.equals("POST") || method.equals("PUT")) {
                b.append("Content-Length: 0\r\n");
            }
            for (int i = 0; i + 1 < headers.length; i += 2) {
                b.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            b.append("\r\n");
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                out.write(body);
            }
            out.flush();
        }

        Head readHead() throws IOException {
            String statusLine = readLine(in);
            if (statusLine == null) {
                throw new EOFException("the server closed the connection before answering");
            }
            // HTTP/1.1 200 OK
            int sp = statusLine.indexOf(' ');
            if (!statusLine.startsWith("HTTP/1.") || sp < 0 || statusLine.length() < sp + 4) {
                throw new IOException("not an HTTP/1.1 status line: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(sp + 1, sp + 4));
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
            String length = headers.get("content-length");
            boolean chunked = headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked");
            boolean close = headers.getOrDefault("connection", "").equalsIgnoreCase("close") || statusLine.startsWith("HTTP/1.0");
            return new Head(status, headers, chunked || length == null ? -1 : Long.parseLong(length), chunked, close);
        }

        @Override
        public void close() {
            reusable = false;
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** A line ended by CRLF (or LF), without it; null at the end of the stream before any byte. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(c);
        }
        if (line.size() == 0) {
            return null;
        }
        throw new EOFException("the connection ended within a line");
    }

    /** The body of a chunked answer (RFC 9112 section 7.1): ends after the last chunk and its trailers. */
    static final class ChunkedInput extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        ChunkedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = readLine(in);
                if (size == null) {
                    throw new EOFException("the connection ended before the last chunk");
                }
                int ext = size.indexOf(';');
                left = Long.parseLong((ext < 0 ? size : size.substring(0, ext)).trim(), 16);
                if (left == 0) {
                    for (String trailer = readLine(in); trailer != null && !trailer.isEmpty(); trailer = readLine(in)) {
                        // trailers are not used
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the connection ended within a chunk");
            }
            left -= n;
            if (left == 0) {
                String end = readLine(in);
                if (end == null || !end.isEmpty()) {
                    throw new IOException("a chunk did not end with CRLF");
                }
            }
            return n;
        }
    }
}
