package io.herald.http;

import io.herald.error.InvalidSpecException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a subscription pushes its events to an HTTP endpoint: each event is POSTed in CloudEvents
 * binary mode, signed the Standard Webhooks way with {@code secret}. A validated value; each
 * check names the bad value, and the same checks are what {@link WebhookJson} reports as a 400
 * naming the member.
 *
 * @param url            where events are POSTed: an absolute {@code http} or {@code https} URL,
 *                       without user info (send credentials in {@code headers}) or fragment
 * @param secret         the signing key. Empty in a request means "none given": the server keeps
 *                       the webhook's current secret, or generates one (returned once)
 * @param timeout        how long one call may take, from connecting to the last byte of the
 *                       answer it reads; default {@link #DEFAULT_TIMEOUT} (the Standard Webhooks
 *                       recommendation is 15 to 30 s)
 * @param ratePerSecond  the most calls per second to the URL's destination (scheme, host and
 *                       port), spaced evenly (no bursts); empty = no limit
 * @param headers        extra request headers, such as an API key; the CloudEvents
 *                       ({@code ce-*}, {@code Content-Type}), {@code webhook-*} and HTTP framing
 *                       headers are the server's own and cannot be set
 * @param circuitBreaker when the server stops calling a failing destination for a while
 */
public record WebhookConfig(URI url, Optional<Secret> secret, Duration timeout, Optional<Double> ratePerSecond,
                            Map<String, String> headers, Breaker circuitBreaker) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(10);
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
    /** One call per 100 s: a slower rate makes each delivery wait longer than any sensible lease. */
    public static final double MIN_RATE = 0.01;
    public static final double MAX_RATE = 100_000;
    public static final int MAX_URL_LENGTH = 2048;
    public static final int MAX_HEADERS = 32;
    public static final int MAX_HEADER_VALUE_LENGTH = 4096;
    /** What a GET answer shows instead of a header's value; refused as a value, so a GET answer sent back is not stored as is. */
    public static final String MASKED = "***";

    /**
     * Headers a webhook may not set: the CloudEvents binding's, the signature's and the
     * connection's ({@code java.net.http} refuses the last group itself, less clearly).
     */
    static final Set<String> RESERVED_HEADERS = Set.of("content-type", "content-length", "host", "connection", "expect",
            "upgrade", "transfer-encoding", "te", "trailer", "keep-alive", "proxy-connection", "proxy-authorization");
    static final Set<String> RESERVED_PREFIXES = Set.of("ce-", "webhook-");

    public WebhookConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(ratePerSecond, "ratePerSecond");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(circuitBreaker, "circuitBreaker");
        requireValidUrl(url);
        requireValidTimeout(timeout);
        ratePerSecond.ifPresent(WebhookConfig::requireValidRate);
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        requireValidHeaders(headers);
    }

    /** A webhook to {@code url} with the defaults: no secret given yet, 15 s timeout, no rate limit, no headers. */
    public static WebhookConfig of(URI url) {
        return new WebhookConfig(url, Optional.empty(), DEFAULT_TIMEOUT, Optional.empty(), Map.of(), Breaker.DEFAULT);
    }

    public WebhookConfig withSecret(Secret value) {
        return new WebhookConfig(url, Optional.of(value), timeout, ratePerSecond, headers, circuitBreaker);
    }

    public WebhookConfig withTimeout(Duration value) {
        return new WebhookConfig(url, secret, value, ratePerSecond, headers, circuitBreaker);
    }

    public WebhookConfig withRatePerSecond(double value) {
        return new WebhookConfig(url, secret, timeout, Optional.of(value), headers, circuitBreaker);
    }

    public WebhookConfig withHeaders(Map<String, String> value) {
        return new WebhookConfig(url, secret, timeout, ratePerSecond, value, circuitBreaker);
    }

    public WebhookConfig withCircuitBreaker(Breaker value) {
        return new WebhookConfig(url, secret, timeout, ratePerSecond, headers, value);
    }

    /** Header values and the secret are credentials: they stay out of logs. */
    @Override
    public String toString() {
        return "WebhookConfig{url=" + redactedUrl(url) + ", secret=" + secret.map(Secret::toString).orElse("none")
                + ", timeout=" + timeout + ", ratePerSecond=" + ratePerSecond.map(String::valueOf).orElse("unlimited")
                + ", headers=" + new TreeSet<>(headers.keySet()) + ", circuitBreaker=" + circuitBreaker + "}";
    }

    /** The URL without its query (which may carry a token): what logs and error messages name. */
    public static String redactedUrl(URI url) {
        String s = url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
        return url.getRawQuery() == null ? s : s + "?...";
    }

    // ---- the checks, one per member (WebhookJson reports each as the member's fault)

    /** Parses and checks a URL as a request gives it. */
    public static URI parseUrl(String text) {
        if (text.length() > MAX_URL_LENGTH) {
            throw new InvalidSpecException("a webhook URL must be at most " + MAX_URL_LENGTH + " characters, got " + text.length());
        }
        URI url;
        try {
            url = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new InvalidSpecException("'" + abbreviate(text) + "' is not a URL: " + e.getReason()
                    + "; give an absolute http or https URL such as https://billing.example/hooks");
        }
        requireValidUrl(url);
        return url;
    }

    static void requireValidUrl(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new InvalidSpecException("a webhook URL must be an absolute http or https URL such as https://billing.example/hooks, got '"
                    + abbreviate(url.toString()) + "'");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new InvalidSpecException("the webhook URL '" + abbreviate(url.toString()) + "' has no host (a host name with only "
                    + "letters, digits, '-' and '.', or an IP address, is needed)");
        }
        if (url.getRawUserInfo() != null) {
            throw new InvalidSpecException("the webhook URL must not carry user info (user:password@); send credentials in a header "
                    + "such as Authorization instead");
        }
        if (url.getRawFragment() != null) {
            throw new InvalidSpecException("the webhook URL must not have a fragment (#...): it is never sent to the server");
        }
    }

    static void requireValidTimeout(Duration timeout) {
        if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new InvalidSpecException("a webhook timeout must be between " + MIN_TIMEOUT.toMillis() + " ms and "
                    + MAX_TIMEOUT.toMinutes() + " min, got " + timeout.toMillis() + " ms");
        }
    }

    static void requireValidRate(double rate) {
        if (!(rate >= MIN_RATE && rate <= MAX_RATE)) {
            throw new InvalidSpecException("a webhook rate must be between " + MIN_RATE + " and " + (long) MAX_RATE
                    + " calls per second, got " + rate);
        }
    }

    static void requireValidHeaders(Map<String, String> headers) {
        if (headers.size() > MAX_HEADERS) {
            throw new InvalidSpecException("a webhook may set at most " + MAX_HEADERS + " headers, got " + headers.size());
        }
        Set<String> seen = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, value) -> {
            requireValidHeader(name, value);
            if (!seen.add(name)) {
                throw new InvalidSpecException("header '" + name + "' is given twice (header names ignore case)");
            }
        });
    }

    /** One header: a token name (RFC 9110) that is not the server's own, and a value of visible characters. */
    public static void requireValidHeader(String name, String value) {
        Objects.requireNonNull(value, "value");
        if (name.isEmpty() || !name.chars().allMatch(WebhookConfig::isTokenChar)) {
            throw new InvalidSpecException("'" + abbreviate(name) + "' is not a header name: use letters, digits and !#$%&'*+-.^_`|~");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (RESERVED_HEADERS.contains(lower) || RESERVED_PREFIXES.stream().anyMatch(lower::startsWith)) {
            throw new InvalidSpecException("header '" + name + "' is set by the server itself (the CloudEvents binding, the "
                    + "webhook-* signature headers and the HTTP framing); choose another name");
        }
        if (value.length() > MAX_HEADER_VALUE_LENGTH) {
            throw new InvalidSpecException("the value of header '" + name + "' is longer than " + MAX_HEADER_VALUE_LENGTH + " characters");
        }
        if (!value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c < 0x7F))) {
            throw new InvalidSpecException("the value of header '" + name + "' may hold only visible ASCII characters, spaces and tabs");
        }
        if (value.equals(MASKED)) {
            throw new InvalidSpecException("the value of header '" + name + "' is '" + MASKED + "', what a GET answer shows instead of "
                    + "the real value; send the real value");
        }
    }

    private static boolean isTokenChar(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    /**
     * A Standard Webhooks signing secret: {@code whsec_} and the base64 of 24 to 64 random bytes
     * (the spec's "at least 24 bytes (192 bits), 512 maximum"). Its {@link #toString()} hides it.
     */
    public record Secret(String value) {

        public static final String PREFIX = "whsec_";
        public static final int MIN_BYTES = 24;
        public static final int MAX_BYTES = 64;
        /** What {@link #generate} draws: 256 bits. */
        public static final int GENERATED_BYTES = 32;

        public Secret {
            Objects.requireNonNull(value, "value");
            if (!value.startsWith(PREFIX)) {
                throw new InvalidSpecException("a webhook secret starts with '" + PREFIX + "' followed by base64 (the Standard "
                        + "Webhooks form); leave it out and the server generates one");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(value.substring(PREFIX.length()));
            } catch (IllegalArgumentException e) {
                throw new InvalidSpecException("a webhook secret is '" + PREFIX + "' followed by base64, but what follows is not base64: "
                        + e.getMessage());
            }
            if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
                throw new InvalidSpecException("a webhook secret's key must be " + MIN_BYTES + " to " + MAX_BYTES + " bytes, got "
                        + key.length);
            }
        }

        public static Secret generate(SecureRandom random) {
            byte[] key = new byte[GENERATED_BYTES];
            random.nextBytes(key);
            return new Secret(PREFIX + Base64.getEncoder().encodeToString(key));
        }

        /** The HMAC key: the bytes the base64 after the prefix stands for. */
        public byte[] key() {
            return Base64.getDecoder().decode(value.substring(PREFIX.length()));
        }

        @Override
        public String toString() {
            return PREFIX + "(hidden)";
        }
    }

    /**
     * When to stop calling a failing destination: after {@code failures} failed calls in a row
     * (a timeout, a refused connection, 408, 429, 3xx or 5xx), no call goes to it for
     * {@code openFor}; then one call probes it, and a success lets every call through again.
     */
    public record Breaker(int failures, Duration openFor) {

        public static final int MAX_FAILURES = 1000;
        public static final Duration MIN_OPEN_FOR = Duration.ofMillis(10);
        public static final Duration MAX_OPEN_FOR = Duration.ofHours(1);
        public static final Breaker DEFAULT = new Breaker(5, Duration.ofSeconds(30));

        public Breaker {
            Objects.requireNonNull(openFor, "openFor");
            requireValidFailures(failures);
            requireValidOpenFor(openFor);
        }

        static void requireValidFailures(int failures) {
            if (failures < 1 || failures > MAX_FAILURES) {
                throw new InvalidSpecException("circuit breaker failures must be between 1 and " + MAX_FAILURES + ", got " + failures);
            }
        }

        static void requireValidOpenFor(Duration openFor) {
            if (openFor.compareTo(MIN_OPEN_FOR) < 0 || openFor.compareTo(MAX_OPEN_FOR) > 0) {
                throw new InvalidSpecException("circuit breaker openFor must be between " + MIN_OPEN_FOR.toMillis() + " ms and "
                        + MAX_OPEN_FOR.toHours() + " h, got " + openFor.toMillis() + " ms");
            }
        }
    }
}
