package io.herald.client;

import io.herald.error.HeraldException;
import java.net.URI;

/**
 * The server refused the caller: no token or an unknown one (401), or a token without the
 * permission the request needs (403). The message is the server's, naming what is missing.
 */
public final class AccessDeniedException extends HeraldException {

    private final URI server;
    private final int status;

    AccessDeniedException(URI server, int status, String detail) {
        super("the Herald server at " + server + " refused the request (" + (status == 401 ? "401 unauthorized" : status + " forbidden")
                + "): " + detail);
        this.server = server;
        this.status = status;
    }

    public URI server() {
        return server;
    }

    /** 401 when the server does not know the caller (no token, or a wrong one); 403 when it does, and the token may not. */
    public int status() {
        return status;
    }
}
