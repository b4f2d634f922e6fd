package io.herald.server.webhook;

import io.herald.event.Event;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks signature (standardwebhooks.com, spec 1.0.0, symmetric scheme): three
 * headers on every call,
 * <pre>
 * webhook-id:        msg_&lt;24 base64url characters&gt;   the same for every attempt of one event
 * webhook-timestamp: 1674087231                        unix seconds of this attempt
 * webhook-signature: v1,&lt;base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)&gt;
 * </pre>
 * where the key is the bytes of the secret's base64 after {@code whsec_}, and the body the exact
 * bytes sent.
 *
 * <p>The id is a hash of the topic, the subscription, and the event's {@code source} and
 * {@code id} (which CloudEvents says identify an event): stable across retries and redrives,
 * different for two subscriptions that push one event to the same receiver, and free of
 * {@code .}, which the spec forbids in ids because it delimits the signed content. An event
 * published twice with the same source and id gets the same webhook id, so a receiver that
 * deduplicates by it drops the copy, as it should. A position would not do: a topic name may
 * hold dots, and a redriven dead letter is delivered at its position in the dead-letter topic.
 * Stateless.
 */
final class WebhookSignature {

    static final String ID = "webhook-id";
    static final String TIMESTAMP = "webhook-timestamp";
    static final String SIGNATURE = "webhook-signature";
    private static final int ID_HASH_BYTES = 18;

    private WebhookSignature() {
    }

    /** Cloned per id: {@code MessageDigest.getInstance} and {@code Mac.getInstance} look the provider up each time. */
    private static final MessageDigest SHA256 = sha256();

    static String messageId(String topic, String subscription, Event event) {
        try {
            MessageDigest sha = (MessageDigest) SHA256.clone();
            for (String part : new String[]{topic, subscription, event.source(), event.id()}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                sha.update((byte) (bytes.length >>> 24));
                sha.update((byte) (bytes.length >>> 16));
                sha.update((byte) (bytes.length >>> 8));
                sha.update((byte) bytes.length);
                sha.update(bytes);
            }
            return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(sha.digest(), ID_HASH_BYTES));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JVM's SHA-256 cannot be cloned", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The value of {@code webhook-signature}: {@code v1,} and the base64 HMAC-SHA256 of {@code id.timestamp.body}. */
    static String sign(byte[] key, String id, long timestamp, byte[] body) {
        return sign(keyed(key), id, timestamp, body);
    }

    /** The same, with a Mac from {@link #keyed}, which is left as it is (a webhook keeps one for its key). */
    static String sign(Mac keyed, String id, long timestamp, byte[] body) {
        try {
            Mac mac = (Mac) keyed.clone();
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JVM's HMAC-SHA256 cannot be cloned", e);
        }
    }

    /** An HMAC-SHA256 initialised with {@code key}, to sign with through {@link #sign(Mac, String, long, byte[])}. */
    static Mac keyed(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
        }
    }
}
