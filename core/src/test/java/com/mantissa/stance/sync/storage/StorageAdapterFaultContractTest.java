package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.testing.BlackHoleServer;
import com.mantissa.stance.sync.testing.FaultServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * How a cloud store's failures reach the engine, the same for S3, Azure and GCS: a server that
 * throttles, fails, denies, drops or refuses connections, or never answers, seen through the
 * real SDK client configured as the adapter configures its own (one attempt per call, bounded
 * by {@link StorageTimeouts}), so each case is one request.
 */
public abstract class StorageAdapterFaultContractTest {

    protected static final String KEY = "aggregated/findings/ab12/123456789012/f-1.json";
    protected static final StorageTimeouts TIMEOUTS = new StorageTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2));

    private static FaultServer server;
    private StorageAdapter store;

    /**
     * The timeouts of the client that reaches a server that never answers: every call waits its
     * attempt out, so a short one keeps what is checked (one bounded attempt per call) and
     * shortens only the wait. A second: Azure's try timeout is whole seconds.
     */
    private static final StorageTimeouts HANGING_TIMEOUTS = new StorageTimeouts(Duration.ofSeconds(1),
            Duration.ofSeconds(1));

    /** The adapter under test, on a client built as the adapter builds its own, reaching {@code url}. */
    protected StorageAdapter storeAt(String url) {
        return storeAt(url, TIMEOUTS);
    }

    /** As {@link #storeAt(String)}, the client bounded by {@code timeouts}. */
    protected abstract StorageAdapter storeAt(String url, StorageTimeouts timeouts);

    /** Makes {@code server} answer every request with {@code status} and this store's error {@code code}. */
    protected abstract void answer(FaultServer server, int status, String code);

    /** Makes {@code server} answer that {@link #KEY} does not exist, while its bucket or container does. */
    protected abstract void answerObjectMissing(FaultServer server);

    /** This store's error codes for: throttling (503), too many requests (429), a server error (500). */
    protected abstract List<String> transientCodes();

    /** This store's code for a denied request (403). */
    protected abstract String deniedCode();

    /** This store's code for a missing bucket or container (404). */
    protected abstract String missingContainerCode();

    /** The bucket or container {@link #storeAt} names. */
    protected abstract String containerName();

    /** A version token of this store's shape, for an If-Match write. */
    protected abstract String someToken();

    /** The credentials the client sends, none of which may appear in a message. */
    protected abstract List<String> secrets();

    @BeforeAll
    static void startServer() {
        server = new FaultServer();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void storeOnTheFaultServer() {
        store = storeAt(server.url());
    }

    protected StorageAdapter store() {
        return store;
    }

    private void assertEveryCallThrows(StorageAdapter s, Class<? extends StorageException> expected) {
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("read", () -> s.readRecord(KEY));
        calls.put("write", () -> s.writeRecord(KEY, new byte[] {'{', '}'}, WriteCondition.IF_ABSENT));
        calls.put("list", () -> s.listRecords("aggregated/"));
        calls.put("delete", () -> s.deleteRecord(KEY));
        calls.put("metadata", () -> s.getMetadata(KEY));
        calls.put("open", () -> s.openStream(KEY).close());
        assertAll(calls.entrySet().stream().map(c -> () -> assertThrows(expected, c.getValue(), c.getKey())));
    }

    @Test
    void throttlingTooManyRequestsAndServerErrorsAreTransientNeverAbsent() {
        int[] statuses = {503, 429, 500};
        for (int i = 0; i < statuses.length; i++) {
            answer(server, statuses[i], transientCodes().get(i));
            assertEveryCallThrows(store, TransientStorageException.class);
        }
    }

    @Test
    void throttlingAndTooManyRequestsAreToldApartFromServerErrors() {
        int[] statuses = {503, 429, 500};
        boolean[] throttled = {true, true, false};
        for (int i = 0; i < statuses.length; i++) {
            answer(server, statuses[i], transientCodes().get(i));
            TransientStorageException e = assertThrows(TransientStorageException.class, () -> store.readRecord(KEY));
            assertEquals(throttled[i], e.throttled(), statuses[i] + " " + transientCodes().get(i) + ": " + e.getMessage());
            TransientStorageException w = assertThrows(TransientStorageException.class,
                    () -> store.writeRecord(KEY, new byte[] {'{', '}'}, WriteCondition.IF_ABSENT));
            assertEquals(throttled[i], w.throttled(), "write, " + statuses[i] + ": " + w.getMessage());
        }
        server.dropConnections();
        assertFalse(assertThrows(TransientStorageException.class, () -> store.readRecord(KEY)).throttled(),
                "a dropped connection is a failure, not the store asking to slow down");
    }

    @Test
    void aDroppedConnectionIsTransient() {
        server.dropConnections();
        assertEveryCallThrows(store, TransientStorageException.class);
    }

    @Test
    void aRefusedConnectionIsTransient() {
        FaultServer closed = new FaultServer();
        String url = closed.url();
        closed.close();
        StorageAdapter unreachable = storeAt(url);
        assertEveryCallThrows(unreachable, TransientStorageException.class);
        TransientStorageException e = assertThrows(TransientStorageException.class, () -> unreachable.readRecord(KEY));
        assertTrue(e.getMessage().contains("connection failed or timed out") && e.getMessage().contains(KEY),
                "worded the same on every cloud: " + e.getMessage());
    }

    @Test
    void aDeniedRequestIsPermanentAndNamesTheObjectButNoCredentials() {
        answer(server, 403, deniedCode());

        PermanentStorageException e = assertThrows(PermanentStorageException.class, () -> store.readRecord(KEY));

        assertTrue(e.getMessage().contains(containerName()) && e.getMessage().contains(KEY), e.getMessage());
        assertTrue(e.getMessage().contains("403"), e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            for (String secret : secrets()) {
                assertFalse(message.contains(secret), "credentials leak into: " + message);
            }
        }
        assertEveryCallThrows(store, PermanentStorageException.class);
    }

    @Test
    void aPreconditionFailedStatusIsAPreconditionFailure() {
        answer(server, 412, "ConditionNotMet");
        assertThrows(PreconditionFailedException.class,
                () -> store.writeRecord(KEY, new byte[] {1}, WriteCondition.ifMatch(someToken())));
    }

    @Test
    void aMissingBucketOrContainerIsPermanentAndNamesIt() {
        answer(server, 404, missingContainerCode());

        for (Executable call : List.<Executable>of(() -> store.readRecord(KEY), () -> store.getMetadata(KEY),
                () -> store.listRecords("aggregated/"), () -> store.deleteRecord(KEY))) {
            PermanentStorageException e = assertThrows(PermanentStorageException.class, call);
            assertTrue(e.getMessage().contains("'" + containerName() + "' does not exist"), e.getMessage());
        }
    }

    @Test
    void aMissingObjectIsAbsent() {
        answerObjectMissing(server);

        assertEquals(Optional.empty(), store.readRecord(KEY));
        assertEquals(Optional.empty(), store.getMetadata(KEY));
        assertThrows(NotFoundException.class, () -> store.openStream(KEY).close());
        store.deleteRecord(KEY);
    }

    @Test
    void aServerThatNeverAnswersCostsOneBoundedAttemptPerCall() {
        try (BlackHoleServer hole = new BlackHoleServer()) {
            StorageAdapter hanging = storeAt(hole.url(), HANGING_TIMEOUTS);
            long start = System.nanoTime();

            assertEveryCallThrows(hanging, TransientStorageException.class);

            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < 6 * (HANGING_TIMEOUTS.attempt().toMillis() / 1000.0 + 1),
                    "six calls took " + seconds + " s");
            assertEquals(6, hole.connections(), "one connection per call: the client does not retry on its own");
            System.out.printf(java.util.Locale.ROOT, "[figures] %s: six calls to a server that never answers "
                    + "failed in %.1f s (attempt timeout %d ms)%n", getClass().getSimpleName(), seconds,
                    HANGING_TIMEOUTS.attempt().toMillis());
        }
    }
}
