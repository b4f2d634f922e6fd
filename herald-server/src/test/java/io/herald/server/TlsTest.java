package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.error.InvalidSpecException;
import io.herald.server.config.ServerConfig;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from a PKCS#12 key store and from PEM files: a client that trusts the certificate gets answers over TLS. */
class TlsTest {

    private static final String PASSWORD = "changeit-please";

    @TempDir
    static Path dir;
    private static Path p12;

    @BeforeAll
    static void makeKeyStore() throws Exception {
        p12 = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "herald", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", p12.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
    }

    private static KeyStore load() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static HttpClient trusting() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("herald", load().getCertificate("herald"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).build();
    }

    private static void answersOverTls(ServerFixture fixture) throws Exception {
        URI url = fixture.server().url();
        assertThat(url.getScheme()).isEqualTo("https");
        HttpResponse<String> r = trusting().send(HttpRequest.newBuilder(url.resolve("/health/live")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.sslSession()).isPresent();
        // a client that does not trust the certificate gets no answer
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(url.resolve("/health/live")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
        // and plain HTTP is not spoken on the port
        URI plain = URI.create("http://127.0.0.1:" + url.getPort() + "/health/live");
        assertThatThrownBy(() -> {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(plain).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isNotEqualTo(200);
            throw new java.io.IOException("answered " + answer.statusCode());
        }).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void aPkcs12KeyStoreServesHttps() throws Exception {
        try (ServerFixture fixture = ServerFixture.embedded(c -> c.withTls(ServerConfig.TlsConfig.pkcs12(p12, PASSWORD)))) {
            answersOverTls(fixture);
        }
    }

    @Test
    void aPemCertificateAndKeyServeHttps() throws Exception {
        KeyStore store = load();
        Key key = store.getKey("herald", PASSWORD.toCharArray());
        Certificate cert = store.getCertificate("herald");
        Path certPem = dir.resolve("cert.pem");
        Path keyPem = dir.resolve("key.pem");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
        try (ServerFixture fixture = ServerFixture.embedded(c -> c.withTls(ServerConfig.TlsConfig.pem(certPem, keyPem)))) {
            answersOverTls(fixture);
        }
    }

    @Test
    void aWrongPasswordOrAMissingFileIsNamedBeforeAnythingListens() {
        assertThatThrownBy(() -> ServerFixture.embedded(c -> c.withTls(ServerConfig.TlsConfig.pkcs12(p12, "wrong"))))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining(p12.toString()).hasMessageContaining("password");
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> ServerFixture.embedded(c -> c.withTls(ServerConfig.TlsConfig.pem(missing, missing))))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining(missing.toString());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
