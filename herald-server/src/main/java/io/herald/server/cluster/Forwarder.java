package io.herald.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Sends a request on to another server of the cluster: a verdict on receipts that server issued
 * (it holds their leases). The caller's {@code Authorization} goes along, so the other server
 * checks the caller's rights itself; {@value #HEADER} marks the request as forwarded, so it is
 * never forwarded again. Thread-safe.
 */
public final class Forwarder {

    public static final String HEADER = "Herald-Forwarded";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** What the other server answered, or empty when it could not be reached. */
    public record Answer(int status, JsonNode body) {
    }

    public Optional<Answer> post(URI server, String path, ObjectNode body, Optional<String> authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json").header(HEADER, "true")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body)));
        authorization.ifPresent(a -> request.header("Authorization", a));
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode answer = response.body().length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(response.body());
            return Optional.of(new Answer(response.statusCode(), answer));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
