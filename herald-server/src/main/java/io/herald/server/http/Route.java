package io.herald.server.http;

import io.herald.server.auth.Access;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.Objects;

/** One operation of the API: its method and path (Javalin syntax, {@code {topic}}), what it asks of the caller, its handler. */
public record Route(HandlerType method, String path, Access access, Handler handler) {

    public Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(handler, "handler");
    }

    /** {@code GET /topics/{topic}}: how the OpenAPI document and tests name it. */
    public String key() {
        return method.name() + " " + path;
    }
}
