package io.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bench's HTTP/1.1 client against the JDK's HTTP server: bodies by length and chunked, keep-alive, streams. */
class Http1ClientTest {

    private HttpServer server;
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private final CountDownLatch streamMayEnd = new CountDownLatch(1);
    private Http1Client client;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/echo", x -> {
            clientPorts.add(x.getRemoteAddress().getPort());
            byte[] body = x.getRequestBody().readAllBytes();
            String answer = x.getRequestMethod() + " " + x.getRequestURI() + " " + x.getRequestHeaders().getFirst("X-Test") + " "
                    + new String(body, StandardCharsets.UTF_8);
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("X-Answer", "yes");
            x.sendResponseHeaders(201, bytes.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.createContext("/chunked", x -> {
            x.getRequestBody().readAllBytes();
            x.sendResponseHeaders(200, 0); // no length: chunked
            try (OutputStream out = x.getResponseBody()) {
                for (int i = 0; i < 1000; i++) {
                    out.write(("part " + i + ";").getBytes(StandardCharsets.US_ASCII));
                    if (i % 100 == 0) {
                        out.flush();
                    }
                }
            }
        });
        server.createContext("/empty", x -> {
            x.getRequestBody().readAllBytes();
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        server.createContext("/stream", x -> {
            x.sendResponseHeaders(200, 0);
            try (OutputStream out = x.getResponseBody()) {
                out.write("data: one\n\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                out.write("data: two\n\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                streamMayEnd.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        client = new Http1Client(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), 4);
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    @Test
    void sendsHeadersAndBodyAndReadsAnAnswerByItsLengthOverOneKeptAliveConnection() throws Exception {
        for (int i = 0; i < 5; i++) {
            Http1Client.Response r = client.exchange("POST", "/echo?n=" + i, ("body " + i).getBytes(StandardCharsets.UTF_8), "X-Test", "t" + i);
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.headers()).containsEntry("x-answer", "yes");
            assertThat(r.text()).isEqualTo("POST /echo?n=" + i + " t" + i + " body " + i);
        }
        assertThat(clientPorts).as("one connection, reused").hasSize(1);
        assertThat(client.exchange("DELETE", "/echo", null).text()).isEqualTo("DELETE /echo null ");
    }

    @Test
    void readsChunkedAndEmptyAnswersAndReusesTheConnectionAfterThem() throws Exception {
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            expected.append("part ").append(i).append(';');
        }
        for (int i = 0; i < 3; i++) {
            assertThat(client.exchange("GET", "/chunked", null).text()).isEqualTo(expected.toString());
            Http1Client.Response empty = client.exchange("POST", "/empty", new byte[0]);
            assertThat(empty.status()).isEqualTo(204);
            assertThat(empty.body()).isEmpty();
        }
        assertThat(client.exchange("POST", "/echo", null).text()).isEqualTo("POST /echo null ");
    }

    @Test
    void streamsAnAnswerAsItComes() throws Exception {
        try (Http1Client.Stream stream = client.stream("GET", "/stream", "Accept", "text/event-stream")) {
            assertThat(stream.status()).isEqualTo(200);
            BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
            assertThat(List.of(lines.readLine(), lines.readLine(), lines.readLine())).containsExactly("data: one", "", "data: two");
            streamMayEnd.countDown();
            assertThat(lines.readLine()).isEmpty();
            assertThat(lines.readLine()).as("the last chunk ends the body").isNull();
        }
    }
}
