package io.herald.server.subscription;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The handle of one delivery over HTTP, as a client holds it: the server that issued it (its id
 * for this run and the URL other servers reach it at) and the delivery's number there, signed
 * with the cluster's secret. A server that gets a receipt of another server's can trust the URL
 * in it — a client cannot make a server call an address of its choosing — and forwards the
 * verdict there, to the lease holder.
 *
 * <pre>
 * text    = base64url(payload) "." base64url(first 16 bytes of HMAC-SHA256(secret, payload))
 * payload = byte 1 (version) | long server id | long sequence | UTF-8 issuer URL
 * </pre>
 */
record Receipt(long serverId, long sequence, URI issuer) {

    private static final byte VERSION = 1;
    private static final int MAC_BYTES = 16;
    private static final int MAX_LENGTH = 2048;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    String encode(byte[] key) {
        byte[] url = issuer.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(1 + 8 + 8 + url.length).put(VERSION).putLong(serverId).putLong(sequence).put(url);
        byte[] bytes = payload.array();
        return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(mac(key, bytes));
    }

    /** The receipt the text holds, if it is well formed and signed with {@code key}. */
    static Optional<Receipt> decode(String text, byte[] key) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int dot = text.indexOf('.');
        if (dot <= 0 || dot != text.lastIndexOf('.')) {
            return Optional.empty();
        }
        try {
            byte[] payload = DECODER.decode(text.substring(0, dot));
            byte[] signature = DECODER.decode(text.substring(dot + 1));
            if (payload.length < 17 || payload[0] != VERSION || !MessageDigest.isEqual(signature, mac(key, payload))) {
                return Optional.empty();
            }
            ByteBuffer b = ByteBuffer.wrap(payload);
            b.get();
            long serverId = b.getLong();
            long sequence = b.getLong();
            URI issuer = URI.create(new String(payload, 17, payload.length - 17, StandardCharsets.UTF_8));
            return Optional.of(new Receipt(serverId, sequence, issuer));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static byte[] mac(byte[] key, byte[] payload) {
        byte[] full = keyed(key).doFinal(payload);
        return java.util.Arrays.copyOf(full, MAC_BYTES);
    }

    /** A Mac initialised with {@code key} and the key, to clone from. */
    private record Prototype(byte[] key, Mac mac) {
    }

    /** The last key's initialised Mac: a server signs with one key for its whole run. */
    private static volatile Prototype prototype;

    /**
     * A fresh Mac initialised with {@code key}: a clone of the prototype, which costs a fraction
     * of {@code Mac.getInstance} and {@code init} (the provider lookup alone was 3 % of the server's
     * CPU on receive + ack); every receipt issued and every verdict needs one.
     */
    private static Mac keyed(byte[] key) {
        try {
            Prototype p = prototype;
            if (p == null || !java.util.Arrays.equals(p.key(), key)) {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                p = new Prototype(key.clone(), mac);
                prototype = p;
            }
            return (Mac) p.mac().clone();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's HmacSHA256 can be cloned", e);
        }
    }
}
