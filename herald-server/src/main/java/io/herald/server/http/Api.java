package io.herald.server.http;

import io.herald.server.auth.Access;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;

/**
 * The routes of the server, as each resource declares them. The server mounts them; the
 * OpenAPI check and the auth suite read the same list, so a route cannot be added without
 * being described and guarded. Not thread-safe: filled once at start.
 */
public final class Api {

    private final List<Route> routes = new ArrayList<>();

    public Api get(String path, Access access, Handler handler) {
        return add(HandlerType.GET, path, access, handler);
    }

    public Api post(String path, Access access, Handler handler) {
        return add(HandlerType.POST, path, access, handler);
    }

    public Api put(String path, Access access, Handler handler) {
        return add(HandlerType.PUT, path, access, handler);
    }

    public Api delete(String path, Access access, Handler handler) {
        return add(HandlerType.DELETE, path, access, handler);
    }

    private Api add(HandlerType method, String path, Access access, Handler handler) {
        Route route = new Route(method, path, access, handler);
        if (routes.stream().anyMatch(r -> r.key().equals(route.key()))) {
            throw new IllegalStateException("route " + route.key() + " is declared twice");
        }
        routes.add(route);
        return this;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** A part of the API: a resource and its operations. */
    @FunctionalInterface
    public interface Resource {
        void addTo(Api api);
    }
}
