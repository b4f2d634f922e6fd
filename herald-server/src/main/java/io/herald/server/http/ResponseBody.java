package io.herald.server.http;

import io.javalin.http.Context;
import java.io.IOException;

/**
 * An answer's whole body, written straight to the response, for the routes called many times a
 * second. {@code ctx.result(bytes)} hands the bytes to Javalin, which copies them to the response
 * through a new 32 KiB buffer per answer: over half of all the server allocated for a
 * single-event publish, and so most of its young collections. Written here, the same bytes go
 * through the same output stream (Javalin's, which compresses when the client asks), with the
 * same framing: a {@code Content-Length} when the body fits Jetty's output buffer, chunks when it
 * does not. Set the status and content type first.
 */
public final class ResponseBody {

    private ResponseBody() {
    }

    public static void write(Context ctx, byte[] body) throws IOException {
        ctx.outputStream().write(body);
    }
}
