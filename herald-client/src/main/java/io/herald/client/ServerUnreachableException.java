package io.herald.client;

import io.herald.error.HeraldException;
import java.net.URI;

/** The server did not answer: nothing listens at its address, the connection broke, or the answer took too long. */
public final class ServerUnreachableException extends HeraldException {

    private final URI server;

    ServerUnreachableException(URI server, String what, Throwable cause) {
        super("the Herald server at " + server + " does not answer: " + what, cause);
        this.server = server;
    }

    public URI server() {
        return server;
    }
}
