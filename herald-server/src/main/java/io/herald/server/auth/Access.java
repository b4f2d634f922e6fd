package io.herald.server.auth;


/**
 * What a route asks of its caller before its handler runs. Declared with the route, so that
 * the auth suite can check every route without a list of its own.
 */
public sealed interface Access {

    /** No token needed: health checks, the API description. */
    Access OPEN = new Open();

    /** Any valid token (with no authentication configured, anyone). */
    Access AUTHENTICATED = new Authenticated();

    /** One of {@code permissions} on the topic named by the path parameter {@code {topic}}. */
    static Access onTopic(Permission... anyOf) {
        return new OnTopic(java.util.Set.of(anyOf));
    }

    record Open() implements Access {
    }

    /**
     * A valid token; what it may see is decided by the handler (a topic listing shows only the
     * topics the token has any grant on; creating a topic needs ADMIN on the name in the body).
     */
    record Authenticated() implements Access {
    }

    record OnTopic(java.util.Set<Permission> anyOf) implements Access {
        public OnTopic {
            anyOf = java.util.Set.copyOf(anyOf);
            if (anyOf.isEmpty()) {
                throw new IllegalArgumentException("a topic route needs at least one permission");
            }
        }
    }
}
