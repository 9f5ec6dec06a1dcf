package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/** The lazily created trust manager trusts exactly what the JDK's default one trusts. */
class LazyTrustManagerTest {
    private static X509TrustManager jdkDefault() throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new AssertionError("no default X.509 trust manager");
    }

    @Test
    void acceptsTheIssuersOfTheJdksTrustStore() throws Exception {
        X509Certificate[] issuers = new LazyTrustManager().getAcceptedIssuers();
        assertTrue(issuers.length > 0, "the JDK's trust store has certificate authorities");
        assertArrayEquals(jdkDefault().getAcceptedIssuers(), issuers);
    }

    @Test
    void refusesWhatTheDefaultRefuses() {
        LazyTrustManager lazy = new LazyTrustManager();

        assertThrows(IllegalArgumentException.class, () -> lazy.checkServerTrusted(new X509Certificate[0], "RSA"));
        assertThrows(IllegalArgumentException.class, () -> lazy.checkClientTrusted(null, "RSA"));
    }
}
