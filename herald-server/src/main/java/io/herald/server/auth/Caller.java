package io.herald.server.auth;

import io.herald.http.Problem;
import io.herald.http.ProblemException;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Who made a request: the token it presented (empty when the server has no authentication,
 * and then everything is allowed), and the key its request rate is counted under.
 */
public record Caller(Optional<AccessToken> token, String rateKey) {

    public static Caller anonymous(String address) {
        return new Caller(Optional.empty(), "address:" + address);
    }

    public static Caller of(AccessToken token) {
        return new Caller(Optional.of(token), "token:" + token.name());
    }

    /** The caller of the request being handled (the server attaches it before every guarded handler runs). */
    public static Caller of(Context ctx) {
        return ctx.attribute(Caller.class.getName());
    }

    /** Makes this the caller of the request, for {@link #of(Context)}. */
    public void attachTo(Context ctx) {
        ctx.attribute(Caller.class.getName(), this);
    }

    public boolean may(Permission permission, String topic) {
        return token.map(t -> t.allows(permission, topic)).orElse(true);
    }

    public boolean sees(String topic) {
        return token.map(t -> t.seesTopic(topic)).orElse(true);
    }

    /** Throws a 403 problem naming the permission and the topic unless the caller may. */
    public void require(Permission permission, String topic) {
        if (!may(permission, topic)) {
            throw new ProblemException(Problem.of(403, "forbidden", "Forbidden", "token '" + token.orElseThrow().name()
                    + "' may not " + permission.label() + " on topic '" + topic + "'")
                    .with("permission", permission.label()).with("topic", topic));
        }
    }

    /** Throws a 403 problem unless the caller holds one of the permissions on the topic. */
    public void requireAny(java.util.Set<Permission> anyOf, String topic) {
        if (anyOf.stream().noneMatch(p -> may(p, topic))) {
            Permission first = anyOf.stream().sorted().findFirst().orElseThrow();
            require(first, topic);
        }
    }

    /** The token's name, for logs and metrics; {@code anonymous} without authentication. */
    public String name() {
        return token.map(AccessToken::name).orElse("anonymous");
    }
}
