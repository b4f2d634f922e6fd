package io.herald.server.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.herald.http.Json;
import io.herald.http.Problem;
import io.herald.http.ProblemException;
import io.herald.server.auth.Access;
import io.herald.server.http.Api;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code /openapi.json}: the API's OpenAPI 3.1 document, written by hand as YAML beside this
 * class and checked against the routes the server declares by {@code OpenApiTest} (a route
 * without a description, or a description without a route, fails the build). {@code /docs}:
 * Swagger UI from its WebJar, reading that document.
 */
public final class OpenApiRoutes implements Api.Resource {

    public static final String DOCUMENT = "/io/herald/server/openapi/openapi.yaml";
    private static final String SWAGGER_UI = "/META-INF/resources/webjars/swagger-ui/5.35.0/";
    private static final Pattern ASSET = Pattern.compile("[a-z0-9-]+\\.(js|css|png)");
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript", "css", "text/css", "png", "image/png");
    private static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Herald API</title>
              <link rel="stylesheet" href="/docs/swagger-ui.css">
              <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="/docs/swagger-ui-bundle.js"></script>
              <script>
                window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
              </script>
            </body>
            </html>
            """;

    private final byte[] document;

    public OpenApiRoutes() {
        this.document = Json.write(document());
    }

    /** The document as a tree (the YAML's anchors resolved). */
    public static JsonNode document() {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException(DOCUMENT + " is missing from the server's jar");
            }
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DOCUMENT, e);
        }
    }

    @Override
    public void addTo(Api api) {
        api.get("/openapi.json", Access.OPEN, ctx -> ctx.contentType("application/json").result(document));
        api.get("/docs", Access.OPEN, ctx -> ctx.html(PAGE));
        api.get("/docs/{file}", Access.OPEN, this::asset);
    }

    private void asset(Context ctx) throws IOException {
        String file = ctx.pathParam("file");
        if (!ASSET.matcher(file).matches()) {
            throw notFound(file);
        }
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(SWAGGER_UI + file)) {
            if (in == null) {
                throw notFound(file);
            }
            String extension = file.substring(file.lastIndexOf('.') + 1);
            ctx.contentType(TYPES.get(extension)).header("Cache-Control", "public, max-age=86400").result(in.readAllBytes());
        }
    }

    private static ProblemException notFound(String file) {
        return new ProblemException(Problem.notFound("no-such-file", "the reference page has no file '"
                + io.herald.server.http.Params.abbreviate(file) + "'"));
    }
}
