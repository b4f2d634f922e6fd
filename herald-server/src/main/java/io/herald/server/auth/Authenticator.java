package io.herald.server.auth;

import io.herald.http.Problem;
import io.herald.http.ProblemException;
import java.util.List;
import java.util.Optional;

/**
 * Finds the token a request presents ({@code Authorization: Bearer <token>}) among the
 * configured ones. Every candidate is compared in constant time, so the answer's timing does
 * not tell how much of a guess was right. Immutable and thread-safe.
 */
public final class Authenticator {

    private static final String BEARER = "bearer ";

    private final List<AccessToken> tokens;

    public Authenticator(List<AccessToken> tokens) {
        this.tokens = List.copyOf(tokens);
    }

    public boolean enabled() {
        return !tokens.isEmpty();
    }

    /** The caller of a request; a 401 problem when authentication is on and the token is missing or unknown. */
    public Caller authenticate(String authorization, String clientAddress) {
        if (tokens.isEmpty()) {
            return Caller.anonymous(clientAddress);
        }
        if (authorization == null || authorization.isBlank()) {
            throw unauthorized("this server needs a token: send 'Authorization: Bearer <token>'");
        }
        if (authorization.length() < BEARER.length() || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw unauthorized("the Authorization header must be 'Bearer <token>'");
        }
        String secret = authorization.substring(BEARER.length()).trim();
        Optional<AccessToken> match = find(AccessToken.hash(secret));
        return Caller.of(match.orElseThrow(() -> unauthorized("the token is not one this server knows")));
    }

    private Optional<AccessToken> find(byte[] hash) {
        AccessToken found = null;
        for (AccessToken t : tokens) {
            if (t.hasHash(hash) && found == null) {
                found = t;
            }
        }
        return Optional.ofNullable(found);
    }

    private static ProblemException unauthorized(String detail) {
        return new ProblemException(Problem.of(401, "unauthorized", "Unauthorized", detail));
    }
}
