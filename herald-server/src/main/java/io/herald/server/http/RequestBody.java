package io.herald.server.http;

import io.javalin.http.Context;
import java.io.IOException;

/**
 * A request's body as bytes, for the routes called many times a second (publish, verdicts).
 * Javalin's {@code ctx.bodyAsBytes()} reads through an 8 KiB buffer into a growing
 * {@code ByteArrayOutputStream} and copies that out, per request: with a request per event that
 * was a fifth of what the server allocated for a publish, and so a share of its young
 * collections. When {@code Content-Length} gives the length — the server has already refused a
 * body over its limit by that header — the body is read in one array of that size; a body without
 * it (chunked) is read by Javalin, which enforces the limit as it reads. The same bytes either
 * way; read it once, and only through here.
 */
public final class RequestBody {

    private RequestBody() {
    }

    public static byte[] bytes(Context ctx) throws IOException {
        long length = ctx.req().getContentLengthLong();
        if (length < 0 || length > Integer.MAX_VALUE) {
            return ctx.bodyAsBytes();
        }
        return ctx.req().getInputStream().readNBytes((int) length);
    }
}
