package com.mantissa.stance.sync.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.function.BatchOutcome;
import com.mantissa.stance.sync.function.FunctionEvent;
import com.mantissa.stance.sync.function.FunctionSettings;
import com.mantissa.stance.sync.function.LogEntry;
import com.mantissa.stance.sync.function.SyncFailedException;
import com.mantissa.stance.sync.function.SyncFunction;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.CliProcess;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Secrets and logs: with recognisable credentials configured, failing runs
 * print no credential, connection string, SAS token or signed URL: not in the SyncResult
 * errors, not on the CLI's stdout or stderr, not in a function's log line.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class SecretsStayOutOfMessagesTest {
    /** Recognisable in plain text and in every encoding it could leak in. */
    static final String CANARY = "CANARY7Q";
    static final String ACCOUNT_KEY = Base64.getEncoder().encodeToString(
            (CANARY + "-account-key-material-0123456789-" + CANARY + "-0123456789abcdef").getBytes(StandardCharsets.US_ASCII));
    static final String SAS = "sv=2023-11-03&ss=b&srt=sco&sp=rwdlac&se=2030-01-01T00:00:00Z&sig=" + CANARY + "SIGNATURE%3D";
    /**
     * The deadline of a push to an endpoint that refuses every connection: the failures are
     * there at once, and after them only the retries' backoff, which the deadline cuts short.
     */
    static final String DEAD_ENDPOINT_DEADLINE = "1s";
    static final List<String> SECRETS = List.of(CANARY, ACCOUNT_KEY, "AccountKey", "SharedAccessSignature", "sig=",
            "aws_secret", "Signature=", "X-Amz-");

    @TempDir
    Path dir;
    Path scan;

    @BeforeEach
    void scan() {
        scan = ScanData.write(dir.resolve("scan"), 3, 1);
    }

    @Test
    void azureAccountKeyInTheConnectionStringStaysOutOfOutputWhenTheEndpointIsDead() {
        CliProcess.Result run = pushToAzure("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
                + ACCOUNT_KEY + ";BlobEndpoint=http://127.0.0.1:" + deadPort() + "/devstoreaccount1;");

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("connection failed or timed out"), run.err());
        assertNoSecret(run.out() + run.err());
    }

    @Test
    void azureSasTokenInTheConnectionStringStaysOutOfOutputWhenTheEndpointIsDead() {
        CliProcess.Result run = pushToAzure("BlobEndpoint=http://127.0.0.1:" + deadPort()
                + "/devstoreaccount1;SharedAccessSignature=" + SAS);

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("connection failed or timed out"), run.err());
        assertNoSecret(run.out() + run.err());
    }

    @Test
    void aWrongAccountKeyIsA403WithoutTheKeyOrTheServersSignatureDetails(AzuriteServer azurite) {
        azurite.createContainer("central");
        CliProcess.Result run = pushToAzure("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
                + ACCOUNT_KEY + ";BlobEndpoint=" + azurite.blobEndpoint() + ";");

        // Denied access is a store-level failure: the push stops with one error and exit code 2.
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("HTTP 403"), run.err());
        assertNoSecret(run.out() + run.err());
        assertFalse(run.err().toLowerCase(Locale.ROOT).contains("string to sign")
                || run.err().toLowerCase(Locale.ROOT).contains("signature"), run.err());
    }

    @Test
    void awsSecretKeyAndSessionTokenStayOutOfOutputWhenTheEndpointIsDead() {
        CliProcess.Result run = CliProcess.run(Map.of(
                        "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + deadPort(),
                        "AWS_ACCESS_KEY_ID", "AKIA" + CANARY,
                        "AWS_SECRET_ACCESS_KEY", CANARY + "wJalrXUtnFEMI/K7MDENG/bPxRfiCY",
                        "AWS_SESSION_TOKEN", CANARY + "FwoGZXIvYXdzEJr//////////wEaDJ",
                        "AWS_REGION", "us-east-1"),
                Duration.ofSeconds(90), "push", "--source", scan.toString(), "--central", "s3://central", "--account",
                "123456789012", "--provider", "aws", "--json", "--deadline", DEAD_ENDPOINT_DEADLINE);

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("connection failed or timed out"), run.err());
        assertNoSecret(run.out() + run.err());
    }

    @Test
    void signedUrlsAndUserInfoAreRedactedFromLocationErrors() {
        for (String location : List.of(
                "https://evil.example.com/container/prefix?" + SAS,
                "ftp://user:" + CANARY + "@host/path",
                "https://bad host/c?sig=" + CANARY,
                "file://" + CANARY + "@host/x?sig=" + CANARY)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StorageLocation.parse(location));
            assertNoSecret(e.getMessage());
        }
        // A blob URL's query (a SAS a user pasted) is not part of the location: it is neither used nor shown.
        StorageLocation sasUrl = StorageLocation.parse("https://acct.blob.core.windows.net/c/p?" + SAS);
        assertEquals("az://acct/c/p", sasUrl.toString());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FunctionSettings.fromEnvironment(Map.of(
                FunctionSettings.CENTRAL_URI, "s3://central",
                FunctionSettings.SOURCES, "https://acct.blob.core.windows.net/c/stance?" + SAS + "|123|nocloud")));
        assertTrue(e.getMessage().startsWith(FunctionSettings.SOURCES), e.getMessage());
        assertNoSecret(e.getMessage());
    }

    @Test
    void aFunctionsLogLineCarriesNoAccountKey(MotoServer moto) {
        moto.createBucket("spoke-secrets");
        String key = "stance/findings/snap-1/findings.jsonl";
        moto.setupClient().putObject(b -> b.bucket("spoke-secrets").key(key),
                RequestBody.fromFile(scan.resolve("findings.jsonl")));
        String setting = "AZURE_STORAGE_CONNECTION_STRING";
        String previous = System.getProperty(setting);
        System.setProperty(setting, "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
                + ACCOUNT_KEY + ";BlobEndpoint=http://127.0.0.1:" + deadPort() + "/devstoreaccount1;");
        try {
            SyncFunction function = SyncFunction.fromEnvironment(Map.of(
                    FunctionSettings.CENTRAL_URI, "az://devstoreaccount1/central-secrets",
                    FunctionSettings.ACCOUNT_ID, "123456789012",
                    "STANCE_DEADLINE", DEAD_ENDPOINT_DEADLINE));

            BatchOutcome outcome = function.handle(List.of(
                    FunctionEvent.objectCreated("1", "s3://spoke-secrets/" + key, null)));

            LogEntry entry = outcome.entries().get(0);
            assertEquals(LogEntry.Outcome.FAILED, entry.outcome(), entry.toJson());
            assertTrue(outcome.redeliver(), "a dead endpoint is worth a platform redelivery");
            String line = entry.toJson();
            assertEquals("ERROR", JsonParser.parseObject(line).get("severity"));
            assertNoSecret(line);
            SyncFailedException thrown = assertThrows(SyncFailedException.class, outcome::throwIfRedelivery);
            assertNoSecret(String.valueOf(thrown.getMessage()));
        } finally {
            if (previous == null) {
                System.clearProperty(setting);
            } else {
                System.setProperty(setting, previous);
            }
        }
    }

    private CliProcess.Result pushToAzure(String connectionString) {
        return CliProcess.run(Map.of("AZURE_STORAGE_CONNECTION_STRING", connectionString), Duration.ofSeconds(90),
                "push", "--source", scan.toString(), "--central", "az://devstoreaccount1/central", "--account",
                "123456789012", "--provider", "azure", "--json", "--deadline", DEAD_ENDPOINT_DEADLINE);
    }

    static void assertNoSecret(String text) {
        for (String secret : SECRETS) {
            assertFalse(text.contains(secret), () -> "'" + secret + "' leaked into: " + text);
        }
        assertFalse(text.toLowerCase(Locale.ROOT).contains(CANARY.toLowerCase(Locale.ROOT)), text);
    }

    static int deadPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
