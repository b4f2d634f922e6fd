package io.herald.server.auth;

import io.herald.error.InvalidSpecException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A bearer token from the configuration and what it may do. The secret is kept only as its
 * SHA-256, so a configuration may hold the hash instead of the token itself
 * ({@code sha256:<hex>}), and comparisons take the same time whatever the guess.
 *
 * @param name   who the token belongs to, for logs and metrics (never the secret)
 * @param sha256 the SHA-256 of the token's UTF-8 bytes
 * @param grants per permission, the topics it covers
 */
public record AccessToken(String name, byte[] sha256, Map<Permission, List<TopicPattern>> grants) {

    public static final int MIN_SECRET_LENGTH = 16;
    private static final String HASH_PREFIX = "sha256:";

    public AccessToken {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
        if (name.isBlank()) {
            throw new InvalidSpecException("a token needs a name");
        }
        if (sha256.length != 32) {
            throw new InvalidSpecException("token '" + name + "': a SHA-256 has 32 bytes, got " + sha256.length);
        }
        EnumMap<Permission, List<TopicPattern>> copy = new EnumMap<>(Permission.class);
        grants.forEach((permission, patterns) -> copy.put(permission, List.copyOf(patterns)));
        grants = Map.copyOf(copy);
        sha256 = sha256.clone();
    }

    /**
     * A token from its secret as the configuration gives it: the token itself (at least
     * {@value #MIN_SECRET_LENGTH} characters) or {@code sha256:<64 hex digits>}.
     */
    public static AccessToken of(String name, String secret, Map<Permission, List<TopicPattern>> grants) {
        Objects.requireNonNull(secret, "secret");
        if (secret.startsWith(HASH_PREFIX)) {
            String hex = secret.substring(HASH_PREFIX.length());
            try {
                return new AccessToken(name, HexFormat.of().parseHex(hex), grants);
            } catch (IllegalArgumentException e) {
                throw new InvalidSpecException("token '" + name + "': 'sha256:' must be followed by 64 hex digits");
            }
        }
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw new InvalidSpecException("token '" + name + "' is " + secret.length() + " characters long; use at least "
                    + MIN_SECRET_LENGTH + " (a guessable token is no protection)");
        }
        return new AccessToken(name, hash(secret), grants);
    }

    /** A token that may do everything, as {@code --token} gives one. */
    public static AccessToken admin(String name, String secret) {
        return of(name, secret, Map.of(Permission.ADMIN, List.of(new TopicPattern("*"))));
    }

    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    boolean hasHash(byte[] candidate) {
        return MessageDigest.isEqual(sha256, candidate);
    }

    /** Whether this token may do {@code needed} on {@code topic}. */
    public boolean allows(Permission needed, String topic) {
        for (Map.Entry<Permission, List<TopicPattern>> grant : grants.entrySet()) {
            if (grant.getKey().covers(needed) && grant.getValue().stream().anyMatch(p -> p.matches(topic))) {
                return true;
            }
        }
        return false;
    }

    /** Whether this token may do anything at all on {@code topic} (to see it in a listing). */
    public boolean seesTopic(String topic) {
        return grants.values().stream().flatMap(List::stream).anyMatch(p -> p.matches(topic));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessToken t && t.name.equals(name) && MessageDigest.isEqual(t.sha256, sha256) && t.grants.equals(grants);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "AccessToken[" + name + ", " + grants + "]";
    }
}
