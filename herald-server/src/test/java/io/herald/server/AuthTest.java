package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.auth.Access;
import io.herald.server.auth.AccessToken;
import io.herald.server.auth.Permission;
import io.herald.server.auth.TopicPattern;
import io.herald.server.http.Route;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every route the server declares refuses a missing, a wrong and an insufficient token, and lets
 * a sufficient one through; a refused request changes nothing. The routes come from the server
 * itself, so a new route is checked without a line here.
 */
class AuthTest {

    private static final String ADMIN = "admin-token-0123456789abcdef";
    private static final String PUBLISHER = "publisher-token-0123456789abcdef";
    private static final String CONSUMER = "consumer-token-0123456789abcdef";
    private static final String OTHER = "other-topic-token-0123456789abcdef";
    private static final String TOPIC = "secured";
    private static ServerFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = securedServer();
    }

    /** A server with the four tokens, a topic and a subscription on it. */
    private static ServerFixture securedServer() throws Exception {
        List<AccessToken> tokens = List.of(
                AccessToken.admin("admin", ADMIN),
                AccessToken.of("publisher", PUBLISHER, Map.of(Permission.PUBLISH, List.of(new TopicPattern(TOPIC)))),
                AccessToken.of("consumer", CONSUMER, Map.of(Permission.CONSUME, List.of(new TopicPattern("secur*")))),
                AccessToken.of("other", OTHER, Map.of(Permission.ADMIN, List.of(new TopicPattern("elsewhere")))));
        ServerFixture server = ServerFixture.embedded(c -> c.withTokens(tokens));
        Http admin = server.http().withToken(ADMIN);
        assertThat(admin.postJson("/topics", "{\"name\": \"" + TOPIC + "\"}").status()).isEqualTo(201);
        assertThat(admin.putJson("/topics/" + TOPIC + "/subscriptions/sub", "{}").status()).isEqualTo(201);
        return server;
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    /** A request for the route with its path parameters filled in and a body that would be accepted. */
    private static Http.Answer call(Http http, Route route) {
        String path = route.path().replace("{topic}", TOPIC).replace("{subscription}", "sub").replace("{position}", "0@0")
                .replace("{job}", "1").replace("{file}", "swagger-ui.css");
        String body = switch (route.key()) {
            case "POST /topics" -> "{\"name\": \"" + TOPIC + "-new\"}";
            case "POST /topics/{topic}/events" -> "{\"specversion\": \"1.0\", \"id\": \"x\", \"source\": \"/t\", \"type\": \"t\"}";
            default -> "{}";
        };
        String contentType = route.path().endsWith("/events") ? "application/cloudevents+json" : "application/json";
        return http.send(route.method().name(), path, body.getBytes(), "Content-Type", contentType);
    }

    private static List<Route> guardedRoutes() {
        List<Route> routes = new ArrayList<>();
        for (Route r : fixture.server().routes()) {
            if (!(r.access() instanceof Access.Open)) {
                routes.add(r);
            }
        }
        assertThat(routes).hasSizeGreaterThan(20);
        return routes;
    }

    private static long events() {
        return fixture.http().withToken(ADMIN).get("/topics/" + TOPIC).json().path("events").asLong();
    }

    /** Each topic's name and event count: what a refused request must leave as it was. */
    private static List<String> topics() {
        List<String> state = new ArrayList<>();
        fixture.http().withToken(ADMIN).get("/topics").json().path("topics")
                .forEach(t -> state.add(t.path("name").asText() + "=" + t.path("events").asLong()));
        return state;
    }

    @Test
    void everyGuardedRouteRefusesAMissingOrWrongTokenAndChangesNothing() {
        List<String> before = topics();
        for (Route route : guardedRoutes()) {
            for (String token : new String[] {null, "not-a-token-we-know-0123456789", "Basic dXNlcjpwYXNz"}) {
                Http http = token == null ? fixture.http() : fixture.http().withToken(token);
                Http.Answer a = call(http, route);
                assertThat(a.status()).as("%s with token %s: %s", route.key(), token, a).isEqualTo(401);
                assertThat(a.json().path("type").asText()).isEqualTo("/problems/unauthorized");
                assertThat(a.header("www-authenticate")).startsWith("Bearer");
            }
        }
        assertThat(events()).isZero();
        assertThat(topics()).isEqualTo(before);
    }

    @Test
    void everyTopicRouteRefusesATokenWithoutItsPermission() {
        List<String> before = topics();
        for (Route route : guardedRoutes()) {
            if (!(route.access() instanceof Access.OnTopic onTopic)) {
                continue;
            }
            Set<Permission> needed = onTopic.anyOf();
            List<String> insufficient = new ArrayList<>(List.of(OTHER));
            if (!needed.contains(Permission.PUBLISH) && !needed.contains(Permission.CONSUME) || needed.equals(EnumSet.of(Permission.CONSUME))) {
                insufficient.add(PUBLISHER);
            }
            if (!needed.contains(Permission.CONSUME) && !needed.contains(Permission.PUBLISH) || needed.equals(EnumSet.of(Permission.PUBLISH))) {
                insufficient.add(CONSUMER);
            }
            for (String token : insufficient) {
                Http.Answer a = call(fixture.http().withToken(token), route);
                assertThat(a.status()).as("%s with %s: %s", route.key(), token, a).isEqualTo(403);
                assertThat(a.json().path("type").asText()).isEqualTo("/problems/forbidden");
                assertThat(a.json().path("topic").asText()).isEqualTo(TOPIC);
            }
        }
        assertThat(events()).isZero();
        assertThat(topics()).isEqualTo(before);
    }

    @Test
    void aTokenWithThePermissionGetsPastTheGuard() throws Exception {
        // on a server of its own: getting past the guard changes things (publishes, deletes the topic)
        try (ServerFixture own = securedServer()) {
            passesWithThePermission(own);
        }
    }

    private static void passesWithThePermission(ServerFixture server) {
        for (Route route : guardedRoutes()) {
            String token = switch (route.access()) {
                case Access.OnTopic t when t.anyOf().contains(Permission.PUBLISH) -> PUBLISHER;
                case Access.OnTopic t when t.anyOf().contains(Permission.CONSUME) -> CONSUMER;
                default -> ADMIN;
            };
            Http.Answer a = call(server.http().withToken(token), route);
            assertThat(a.status()).as("%s with %s: %s", route.key(), token, a).isNotIn(401, 403);
        }
    }

    @Test
    void aTopicListShowsOnlyWhatTheTokenMaySeeAndCreatingNeedsAdminOnTheName() {
        assertThat(fixture.http().withToken(OTHER).get("/topics").json().path("topics")).isEmpty();
        List<String> seen = new ArrayList<>();
        fixture.http().withToken(PUBLISHER).get("/topics").json().path("topics").forEach(t -> seen.add(t.path("name").asText()));
        assertThat(seen).containsExactly(TOPIC);
        List<String> before = topics();
        Http.Answer refused = fixture.http().withToken(PUBLISHER).postJson("/topics", "{\"name\": \"" + TOPIC + "-2\"}");
        assertThat(refused.status()).as("%s", refused).isEqualTo(403);
        assertThat(topics()).isEqualTo(before);
    }

    @Test
    void healthAndTheApiDescriptionNeedNoToken() {
        for (String path : List.of("/health/live", "/health/ready", "/openapi.json", "/docs")) {
            assertThat(fixture.http().get(path).status()).as(path).isEqualTo(200);
        }
    }
}
