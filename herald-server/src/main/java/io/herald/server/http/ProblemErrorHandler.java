package io.herald.server.http;

import io.herald.http.Json;
import io.herald.http.Problem;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answer to a request it refuses before any route sees it — a URI it cannot decode, a
 * header too large, a malformed request line — as an RFC 9457 problem, like every other error of
 * the server, instead of Jetty's HTML page.
 */
public final class ProblemErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        Problem problem = problem(code, message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(Json.write(problem.body())), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        return ByteBuffer.wrap(Json.write(problem(status, reason).body()));
    }

    private static Problem problem(int code, String message) {
        int status = code >= 400 && code <= 599 ? code : 400;
        String reason = HttpStatus.getMessage(status);
        String detail = "the request was refused before it reached a route: " + (message == null || message.isBlank() ? reason : message);
        String slug = switch (status) {
            case 431 -> "headers-too-large";
            case 505 -> "http-version-not-supported"; // the one 5xx HTTP itself asks for a client's mistake
            default -> status >= 500 ? "server-error" : "bad-request";
        };
        return Problem.of(status, slug, reason, detail);
    }
}
