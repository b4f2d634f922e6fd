package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.http.Route;
import io.herald.server.openapi.OpenApiRoutes;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAPI document describes exactly the routes the server answers, and is valid OpenAPI 3.1. */
class OpenApiTest {

    private static ServerFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = ServerFixture.embedded(c -> c);
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void everyRouteIsDescribedAndEveryDescribedOperationIsARoute() {
        Set<String> routes = new TreeSet<>();
        for (Route r : fixture.server().routes()) {
            routes.add(r.method().name() + " " + r.path());
        }
        Set<String> described = new TreeSet<>();
        JsonNode paths = fixture.http().get("/openapi.json").json().path("paths");
        Iterator<Map.Entry<String, JsonNode>> it = paths.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> path = it.next();
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (Set.of("get", "put", "post", "delete", "patch").contains(method)) {
                    described.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            });
        }
        assertThat(described).as("described operations").isEqualTo(routes);
    }

    @Test
    void theDocumentIsValidOpenApi31() throws Exception {
        Path file = Files.createTempFile("openapi", ".json");
        Files.write(file, fixture.http().get("/openapi.json").body());
        SwaggerParseResult result = new OpenAPIParser().readLocation(file.toUri().toString(), null, null);
        assertThat(result.getMessages()).as("parser messages").isEmpty();
        assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
        Files.delete(file);
    }

    @Test
    void theOpenRoutesAreExactlyThoseTheDocumentLeavesWithoutSecurity() {
        JsonNode paths = OpenApiRoutes.document().path("paths");
        for (Route r : fixture.server().routes()) {
            JsonNode operation = paths.path(r.path()).path(r.method().name().toLowerCase(Locale.ROOT));
            boolean open = operation.has("security") && operation.get("security").isEmpty();
            assertThat(open).as("%s is open", r.key()).isEqualTo(r.access() instanceof io.herald.server.auth.Access.Open);
        }
    }

    @Test
    void theReferencePageAndItsFilesAreServed() {
        Http.Answer page = fixture.http().get("/docs");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("swagger-ui-bundle.js").contains("/openapi.json");
        Http.Answer script = fixture.http().get("/docs/swagger-ui-bundle.js");
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.header("content-type")).startsWith("text/javascript");
        assertThat(script.body().length).isGreaterThan(100_000);
        assertThat(fixture.http().get("/docs/..%2Fopenapi.yaml").status()).isEqualTo(404);
        assertThat(fixture.http().get("/docs/nothing.js").status()).isEqualTo(404);
    }
}
