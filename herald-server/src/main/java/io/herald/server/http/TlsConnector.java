package io.herald.server.http;

import io.herald.error.InvalidSpecException;
import io.herald.server.config.ServerConfig.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTPS connector from a {@link TlsConfig}: a PKCS#12 store as it is, or a PEM certificate
 * chain and PKCS#8 private key turned into an in-memory store. A file that cannot be read is an
 * {@link InvalidSpecException} naming the file and what is wrong, before anything listens.
 */
public final class TlsConnector {

    private static final char[] IN_MEMORY_PASSWORD = "herald".toCharArray();

    private TlsConnector() {
    }

    public static ServerConnector create(Server server, HttpConfiguration http, TlsConfig tls, String host, int port) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        KeyStore store = keyStore(tls);
        ssl.setKeyStore(store);
        ssl.setKeyStorePassword(new String(password(tls)));
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer customizer = new SecureRequestCustomizer();
        // a certificate for a name is fine on 127.0.0.1 in tests and behind proxies
        customizer.setSniHostCheck(false);
        https.addCustomizer(customizer);
        ServerConnector connector = new ServerConnector(server, ssl, new HttpConnectionFactory(https));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    static KeyStore keyStore(TlsConfig tls) {
        if (tls.privateKey().isEmpty()) {
            try (InputStream in = Files.newInputStream(tls.keyStore())) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(in, password(tls));
                return store;
            } catch (IOException | GeneralSecurityException e) {
                throw new InvalidSpecException("cannot read the PKCS#12 key store " + tls.keyStore() + ": " + e.getMessage()
                        + " (is the password right?)");
            }
        }
        try {
            List<? extends Certificate> chain;
            try (InputStream in = Files.newInputStream(tls.keyStore())) {
                chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            }
            if (chain.isEmpty()) {
                throw new InvalidSpecException("the PEM file " + tls.keyStore() + " holds no certificate");
            }
            PrivateKey key = privateKey(Files.readString(tls.privateKey().get(), StandardCharsets.US_ASCII), tls);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("herald", key, IN_MEMORY_PASSWORD, chain.toArray(Certificate[]::new));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidSpecException("cannot read the PEM certificate " + tls.keyStore() + " and key "
                    + tls.privateKey().get() + ": " + e.getMessage());
        }
    }

    private static PrivateKey privateKey(String pem, TlsConfig tls) throws GeneralSecurityException {
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            throw new InvalidSpecException("the key file " + tls.privateKey().get() + " holds no PKCS#8 'BEGIN PRIVATE KEY' block"
                    + " (convert one with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new InvalidSpecException("the key in " + tls.privateKey().get() + " is not an RSA, EC or Ed25519 key: "
                + (last == null ? "" : last.getMessage()).toLowerCase(Locale.ROOT));
    }

    private static char[] password(TlsConfig tls) {
        return tls.privateKey().isPresent() ? IN_MEMORY_PASSWORD : tls.password().orElse("").toCharArray();
    }
}
