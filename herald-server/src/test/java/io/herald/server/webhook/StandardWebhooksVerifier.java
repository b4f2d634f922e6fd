package io.herald.server.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The receiver's side of the Standard Webhooks spec (1.0.0, "Verifying signatures"), written
 * from the spec's steps and not from {@link WebhookSignature}: take the three headers; check the
 * timestamp is within the tolerance; decode the key from the secret's base64 after
 * {@code whsec_}; HMAC-SHA256 the string {@code id.timestamp.} followed by the raw body; compare,
 * in constant time, with each space-separated {@code v1,<base64>} entry of the signature header.
 */
final class StandardWebhooksVerifier {

    private static final long TOLERANCE_SECONDS = 5 * 60;

    private StandardWebhooksVerifier() {
    }

    /** Throws {@link AssertionError} saying what fails; returns the message id otherwise. */
    static String verify(String secret, Map<String, String> headers, byte[] body, Instant now) {
        String id = header(headers, "webhook-id");
        String timestamp = header(headers, "webhook-timestamp");
        String signatures = header(headers, "webhook-signature");
        if (id.contains(".")) {
            throw new AssertionError("the spec forbids '.' in a message id: " + id);
        }
        long ts = Long.parseLong(timestamp);
        if (Math.abs(now.getEpochSecond() - ts) > TOLERANCE_SECONDS) {
            throw new AssertionError("timestamp " + ts + " is outside the tolerance around " + now.getEpochSecond());
        }
        if (!secret.startsWith("whsec_")) {
            throw new AssertionError("not a whsec_ secret");
        }
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
            byte[] content = new byte[prefix.length + body.length];
            System.arraycopy(prefix, 0, content, 0, prefix.length);
            System.arraycopy(body, 0, content, prefix.length, body.length);
            expected = mac.doFinal(content);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        for (String versioned : signatures.split(" ")) {
            int comma = versioned.indexOf(',');
            if (comma < 0 || !versioned.substring(0, comma).equals("v1")) {
                continue;
            }
            byte[] given = Base64.getDecoder().decode(versioned.substring(comma + 1));
            if (MessageDigest.isEqual(given, expected)) {
                return id;
            }
        }
        throw new AssertionError("no v1 signature in '" + signatures + "' matches");
    }

    private static String header(Map<String, String> headers, String name) {
        return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("header " + name + " is missing; got " + headers.keySet()));
    }
}
