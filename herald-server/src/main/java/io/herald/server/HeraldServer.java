package io.herald.server;

import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.herald.Herald;
import io.herald.broker.Broker;
import io.herald.http.Problem;
import io.herald.http.ProblemException;
import io.herald.server.auth.Access;
import io.herald.server.auth.Authenticator;
import io.herald.server.auth.Caller;
import io.herald.server.auth.RateLimiter;
import io.herald.server.config.ServerConfig;
import io.herald.server.http.Api;
import io.herald.server.http.ErrorMapping;
import io.herald.server.http.Params;
import io.herald.server.http.ProblemErrorHandler;
import io.herald.server.http.Route;
import io.herald.server.http.TlsConnector;
import io.herald.server.topic.ServerTopics;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Herald server: the Broker API over HTTP. It opens the broker the configuration names,
 * mounts every {@link Api.Resource}'s routes behind authentication, authorisation and the request
 * rate limit, and answers every error as an RFC 9457 problem.
 *
 * <p>Lifecycle, one {@link State} at a time: {@code RUNNING} until {@link #close()}; then
 * {@code DRAINING} — new requests get a 503, requests in flight get up to the shutdown grace to
 * finish (long polls and streams are told to end early); then {@code CLOSED}, with the broker
 * closed after the HTTP server, so every acknowledged write is on disk first. Thread-safe.
 */
public final class HeraldServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HeraldServer.class);
    /** How long, after the handlers finished, their answers get to reach the clients before the connections close. */
    private static final Duration ANSWER_FLUSH = Duration.ofMillis(200);

    /** The lifecycle: one value, moved forward by compare-and-set. */
    public enum State { RUNNING, DRAINING, CLOSED }

    private final ServerConfig config;
    private final Broker broker;
    private final ServerContext context;
    private final List<Route> routes;
    private final Javalin javalin;
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    private final InFlight inFlight = new InFlight();

    private HeraldServer(ServerConfig config, Broker broker) {
        this.config = config;
        this.broker = broker;
        this.context = new ServerContext(config, broker, () -> inFlight.count());
        Api api = new Api();
        context.resources().forEach(r -> r.addTo(api));
        this.routes = api.routes();
        Authenticator authenticator = new Authenticator(config.tokens());
        Optional<RateLimiter> rateLimiter = config.limits().requestsPerSecond().map(r -> new RateLimiter(r, System::nanoTime));
        this.javalin = Javalin.create(javalinConfig -> {
            javalinConfig.concurrency.useVirtualThreads = true;
            // Javalin's own mapper, with Jackson's buffers pooled across threads: by default they are
            // kept per thread, and a request's virtual thread lives once, so every JSON answer
            // allocated a 16 KiB buffer afresh (14 % of what a publish allocated)
            javalinConfig.jsonMapper(new JavalinJackson(null, true).updateMapper(mapper ->
                    mapper.getFactory().setRecyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())));
            javalinConfig.startup.showJavalinBanner = false;
            javalinConfig.http.maxRequestSize = config.limits().maxRequestBytes();
            javalinConfig.http.defaultContentType = "application/json";
            javalinConfig.jetty.modifyServer(server -> {
                // the grace is ours (close() waits for the handlers in flight first); Jetty's graceful stop
                // only has to let their answers go out, and with the grace as its timeout it would wait
                // about a second more for idle keep-alive connections
                server.setStopTimeout(ANSWER_FLUSH.toMillis());
                server.setErrorHandler(new ProblemErrorHandler());
            });
            javalinConfig.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new ProblemErrorHandler()));
            config.tls().ifPresent(tls -> javalinConfig.jetty.addConnector((server, http) ->
                    TlsConnector.create(server, http, tls, config.host(), config.port())));
            // every request, routed or not: a body over the limit is refused before anything reads it
            javalinConfig.routes.before(this::refuseOversizedBody);
            for (Route route : routes) {
                javalinConfig.routes.addHttpHandler(route.method(), route.path(), guarded(route, authenticator, rateLimiter));
            }
            javalinConfig.routes.exception(Exception.class, (e, ctx) -> ErrorMapping.answer(ctx, e));
            // Javalin answers its own exceptions (a body over the size limit) in its JSON unless told otherwise
            javalinConfig.routes.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> ErrorMapping.answer(ctx, e));
            javalinConfig.routes.error(404, "*", ctx -> {
                String contentType = ctx.res().getContentType();
                if (contentType == null || !contentType.startsWith(Problem.CONTENT_TYPE)) {
                    ErrorMapping.write(ctx, Problem.notFound("no-such-route", "no route matches " + ctx.method() + " "
                            + Params.abbreviate(ctx.path()) + "; see /openapi.json"));
                }
            });
            javalinConfig.routes.error(405, "*", ctx -> ErrorMapping.write(ctx, Problem.of(405, "method-not-allowed",
                    "Method not allowed", ctx.method() + " is not allowed on " + Params.abbreviate(ctx.path()))));
        });
    }

    /** Opens the broker and starts listening; throws if either fails (the broker is closed again then). */
    public static HeraldServer start(ServerConfig config) {
        Broker broker = Herald.open(config.backend());
        HeraldServer server;
        try {
            server = new HeraldServer(config, broker);
            server.javalin.start(config.host(), config.port());
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        server.context.started(server.url());
        return server;
    }

    private Handler guarded(Route route, Authenticator authenticator, Optional<RateLimiter> rateLimiter) {
        Handler handler = route.handler();
        MeterRegistry registry = context.metrics();
        return ctx -> {
            long started = System.nanoTime();
            int status = 500;
            if (!inFlight.enter()) {
                throw new ProblemException(Problem.of(503, "shutting-down", "Service unavailable",
                        "the server is shutting down; retry on another server or after it restarts").with("retryAfterSeconds", 1));
            }
            try {
                Caller caller = route.access() instanceof Access.Open
                        ? Caller.anonymous(ctx.ip())
                        : authenticator.authenticate(ctx.header("Authorization"), ctx.ip());
                rateLimiter.ifPresent(limiter -> limiter.acquire(caller.rateKey()));
                if (route.access() instanceof Access.OnTopic onTopic) {
                    String topic = ctx.pathParam("topic");
                    if (ServerTopics.isReserved(topic)) {
                        throw new ProblemException(Problem.of(403, "reserved-topic", "Forbidden", "topic '" + topic
                                + "' is kept by the server for itself (names starting with '" + ServerTopics.PREFIX + "')")
                                .with("topic", topic));
                    }
                    caller.requireAny(onTopic.anyOf(), topic);
                }
                caller.attachTo(ctx);
                handler.handle(ctx);
                status = ctx.statusCode();
            } catch (ProblemException e) {
                status = e.problem().status();
                if (status == 401) {
                    ctx.header("WWW-Authenticate", "Bearer realm=\"herald\"");
                }
                throw e;
            } catch (Exception e) {
                status = ErrorMapping.problemFor(e).status();
                throw e;
            } finally {
                inFlight.exit();
                Timer.builder("herald.http.requests").description("requests by route and status")
                        .tag("method", route.method().name()).tag("route", route.path())
                        .tag("status", Integer.toString(status))
                        .register(registry).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            }
        };
    }

    /**
     * A body larger than the limit is a 413 — read and dropped first when it is not much larger,
     * so the client, which sends its whole body before it reads, gets the answer instead of a
     * connection closed under it.
     */
    private void refuseOversizedBody(Context ctx) throws java.io.IOException {
        long length = ctx.req().getContentLengthLong();
        long limit = config.limits().maxRequestBytes();
        if (length <= limit) {
            if (length > 0 && takesNoBody(ctx.method())) {
                // read and dropped before the answer: left unread while the client still sends it,
                // Jetty closes the connection after answering, and the client loses the answer to
                // the reset (seen with the JDK client on a GET with a 30-KB body)
                ctx.req().getInputStream().skipNBytes(length);
            }
            return;
        }
        if (length <= 4 * limit) {
            ctx.req().getInputStream().skipNBytes(length);
        }
        throw new ProblemException(Problem.tooLarge("the request body is " + length + " bytes; this server takes at most " + limit)
                .with("limit", limit));
    }

    private static boolean takesNoBody(io.javalin.http.HandlerType method) {
        return method == io.javalin.http.HandlerType.GET || method == io.javalin.http.HandlerType.HEAD
                || method == io.javalin.http.HandlerType.DELETE || method == io.javalin.http.HandlerType.OPTIONS;
    }

    public URI url() {
        String scheme = config.tls().isPresent() ? "https" : "http";
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create(scheme + "://" + host + ":" + javalin.port());
    }

    public int port() {
        return javalin.port();
    }

    public Broker broker() {
        return broker;
    }

    public ServerConfig config() {
        return config;
    }

    /** Every route the server answers, as declared; the OpenAPI check and the auth suite read it. */
    public List<Route> routes() {
        return routes;
    }

    public State state() {
        return state.get();
    }

    /** Requests being handled now (a stop waits for them, up to the shutdown grace). */
    public int requestsInFlight() {
        return inFlight.count();
    }

    /**
     * Stops: refuses new requests, lets those in flight finish within the shutdown grace (long
     * polls and streams end early), stops the HTTP server, ends the consumers the server holds,
     * then closes the broker. Calling it again does nothing.
     */
    @Override
    public void close() {
        if (!state.compareAndSet(State.RUNNING, State.DRAINING)) {
            return;
        }
        long started = System.nanoTime();
        inFlight.close();
        context.draining();
        boolean drained = inFlight.awaitIdle(config.shutdownGrace());
        if (!drained) {
            LOG.warn("{} requests were still running after the shutdown grace of {}; they are cut off",
                    inFlight.count(), config.shutdownGrace());
        }
        List<Throwable> failures = new ArrayList<>();
        run(failures, this::stopHttp);
        run(failures, context::close);
        run(failures, broker::close);
        state.set(State.CLOSED);
        LOG.info("Herald server stopped in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
        if (!failures.isEmpty()) {
            RuntimeException e = new IllegalStateException("the server did not stop cleanly: " + failures.getFirst().getMessage(),
                    failures.getFirst());
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    /**
     * Stops Jetty. Its graceful stop times out when idle keep-alive connections outlive
     * {@link #ANSWER_FLUSH}: by then every handler has finished and its answer had time to go
     * out, so those connections are only cut, and that is no failure of the stop.
     */
    private void stopHttp() {
        try {
            javalin.stop();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof TimeoutException) {
                    LOG.debug("idle connections cut at stop");
                    return;
                }
            }
            throw e;
        }
    }

    private static void run(List<Throwable> failures, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    /** Counts requests in flight, and refuses new ones once closed. Thread-safe. */
    private static final class InFlight {
        private int count;
        private boolean closed;

        synchronized boolean enter() {
            if (closed) {
                return false;
            }
            count++;
            return true;
        }

        synchronized void exit() {
            count--;
            if (count == 0) {
                notifyAll();
            }
        }

        synchronized void close() {
            closed = true;
        }

        synchronized int count() {
            return count;
        }

        synchronized boolean awaitIdle(Duration grace) {
            long deadline = System.nanoTime() + grace.toNanos();
            while (count > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }
}
