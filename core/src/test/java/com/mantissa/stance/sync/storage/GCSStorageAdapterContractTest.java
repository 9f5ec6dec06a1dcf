package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.testing.GcsServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The storage contract against the GCS JSON API, through the real client and
 * {@code STORAGE_EMULATOR_HOST}.
 */
class GCSStorageAdapterContractTest {

    private String bucket;
    private Map<String, String> environment;
    private StorageAdapter store;

    @BeforeEach
    void newBucket() {
        bucket = GcsServer.newBucket();
        environment = GcsServer.environment();
        store = new GCSStorageAdapter(bucket, environment);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readAfterWriteReturnsContentAndTheWritesToken() {
        String token = store.writeRecord("aggregated/findings/a.json", bytes("{\"v\":1}"), WriteCondition.IF_ABSENT);

        StoredObject read = store.readRecord("aggregated/findings/a.json").orElseThrow();

        assertArrayEquals(bytes("{\"v\":1}"), read.content());
        assertEquals(token, read.versionToken());
        assertTrue(Long.parseLong(token) > 0, "token is the generation: " + token);
    }

    @Test
    void absentRecordReadsAsEmpty() {
        assertEquals(Optional.empty(), store.readRecord("aggregated/findings/missing.json"));
        assertEquals(Optional.empty(), store.getMetadata("aggregated/findings/missing.json"));
    }

    @Test
    void missingBucketIsAPermanentErrorNamingTheBucketNotAnAbsentRecord() {
        StorageAdapter missing = new GCSStorageAdapter("no-such-bucket-" + bucket, environment);

        List<Runnable> calls = List.of(
                () -> missing.readRecord("aggregated/x.json"),
                () -> missing.getMetadata("aggregated/x.json"),
                () -> missing.writeRecord("aggregated/x.json", bytes("{}"), WriteCondition.IF_ABSENT),
                () -> missing.listRecords("aggregated/"),
                () -> missing.deleteRecord("aggregated/x.json"));
        for (Runnable call : calls) {
            PermanentStorageException e = assertThrows(PermanentStorageException.class, call::run);
            assertTrue(e.getMessage().contains("no-such-bucket-" + bucket), e.getMessage());
        }
    }

    @Test
    void racingCreatesIfAbsentLetExactlyOneWriterWin() throws Exception {
        int writers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                byte[] content = bytes("{\"writer\":" + i + "}");
                StorageAdapter own = new GCSStorageAdapter(bucket, environment);
                Callable<String> create = () -> {
                    start.await();
                    try {
                        return new String(content, StandardCharsets.UTF_8) + "@"
                                + own.writeRecord("aggregated/race.json", content, WriteCondition.IF_ABSENT);
                    } catch (PreconditionFailedException lost) {
                        return null;
                    }
                };
                results.add(pool.submit(create));
            }
            start.countDown();
            List<String> winners = new ArrayList<>();
            for (Future<String> f : results) {
                String r = f.get();
                if (r != null) {
                    winners.add(r);
                }
            }

            assertEquals(1, winners.size(), "winners: " + winners);
            StoredObject stored = store.readRecord("aggregated/race.json").orElseThrow();
            assertEquals(winners.get(0),
                    new String(stored.content(), StandardCharsets.UTF_8) + "@" + stored.versionToken());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void replaceWithAStaleTokenFailsAndKeepsTheNewerContent() {
        String first = store.writeRecord("aggregated/r.json", bytes("1"), WriteCondition.IF_ABSENT);
        String second = store.writeRecord("aggregated/r.json", bytes("2"), WriteCondition.ifMatch(first));

        assertNotEquals(first, second);
        assertThrows(PreconditionFailedException.class,
                () -> store.writeRecord("aggregated/r.json", bytes("3"), WriteCondition.ifMatch(first)));
        StoredObject read = store.readRecord("aggregated/r.json").orElseThrow();
        assertArrayEquals(bytes("2"), read.content());
        assertEquals(second, read.versionToken());
    }

    @Test
    void createIfAbsentFailsWhenTheRecordExists() {
        store.writeRecord("aggregated/e.json", bytes("1"), WriteCondition.NONE);

        assertThrows(PreconditionFailedException.class,
                () -> store.writeRecord("aggregated/e.json", bytes("2"), WriteCondition.IF_ABSENT));
        assertArrayEquals(bytes("1"), store.readRecord("aggregated/e.json").orElseThrow().content());
    }

    @Test
    void replaceOfAnAbsentRecordFails() {
        assertThrows(PreconditionFailedException.class,
                () -> store.writeRecord("aggregated/gone.json", bytes("1"), WriteCondition.ifMatch("1234")));
        assertEquals(Optional.empty(), store.readRecord("aggregated/gone.json"));
    }

    @Test
    void aTokenFromAnotherStoreNeverMatches() {
        store.writeRecord("aggregated/t.json", bytes("1"), WriteCondition.NONE);

        assertThrows(PreconditionFailedException.class,
                () -> store.writeRecord("aggregated/t.json", bytes("2"), WriteCondition.ifMatch("\"9b2cf535f27731c974343645a3985328\"")));
    }

    @Test
    void unconditionalWriteReplacesAndChangesTheToken() {
        String first = store.writeRecord("aggregated/u.json", bytes("1"));
        String second = store.writeRecord("aggregated/u.json", bytes("2"));

        assertNotEquals(first, second);
        assertArrayEquals(bytes("2"), store.readRecord("aggregated/u.json").orElseThrow().content());
    }

    @Test
    void listingFollowsPagesPastOneThousandKeysAndStaysInsideThePrefix() throws Exception {
        int count = 1003;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> writes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String key = String.format("aggregated/assets/%05d.json", i);
                writes.add(pool.submit(() -> store.writeRecord(key, bytes("{}"), WriteCondition.IF_ABSENT)));
            }
            for (Future<String> w : writes) {
                assertNotNull(w.get());
            }
        } finally {
            pool.shutdownNow();
        }
        store.writeRecord("aggregated/assets-other/x.json", bytes("{}"));
        store.writeRecord("aggregated/asset.json", bytes("{}"));

        List<String> keys = store.listRecords("aggregated/assets/");

        assertEquals(count, keys.size());
        assertEquals("aggregated/assets/00000.json", keys.get(0));
        assertEquals(String.format("aggregated/assets/%05d.json", count - 1), keys.get(count - 1));
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(null);
        assertEquals(sorted, keys);
        assertEquals(count + 2, store.listRecords("aggregated/").size());
    }

    @Test
    void oddKeysRoundTripAndListVerbatim() {
        List<String> keys = List.of(
                "aggregated/findings/ünïcødé-日本語-😀.json",
                "aggregated/findings/arn:aws:iam::123456789012:role/x.json",
                "aggregated/findings/user@example.com.json",
                "aggregated/findings/with space.json",
                "aggregated/findings/a+b=c&d?e#f%20g.json");
        for (String key : keys) {
            store.writeRecord(key, bytes(key), WriteCondition.IF_ABSENT);
        }
        for (String key : keys) {
            assertArrayEquals(bytes(key), store.readRecord(key).orElseThrow().content(), key);
        }
        List<String> expected = new ArrayList<>(keys);
        expected.sort(null);
        assertEquals(expected, store.listRecords("aggregated/findings/"));
        assertEquals(List.of("aggregated/findings/a+b=c&d?e#f%20g.json"), store.listRecords("aggregated/findings/a+b"));
        assertEquals(List.of("aggregated/findings/with space.json"), store.listRecords("aggregated/findings/with "));
    }

    @Test
    void oneMegabyteRecordRoundTripsByteForByte() {
        byte[] content = new byte[1024 * 1024];
        new Random(42).nextBytes(content);

        String token = store.writeRecord("aggregated/big.bin", content, WriteCondition.IF_ABSENT);

        StoredObject read = store.readRecord("aggregated/big.bin").orElseThrow();
        assertArrayEquals(content, read.content());
        assertEquals(token, read.versionToken());
        assertEquals(content.length, store.getMetadata("aggregated/big.bin").orElseThrow().size());
    }

    @Test
    void deleteRemovesTheRecordAndIsIdempotent() {
        store.writeRecord("aggregated/d.json", bytes("1"));

        store.deleteRecord("aggregated/d.json");
        store.deleteRecord("aggregated/d.json");

        assertEquals(Optional.empty(), store.readRecord("aggregated/d.json"));
        assertEquals(List.of(), store.listRecords("aggregated/d.json"));
        // After a delete the record can be created again.
        store.writeRecord("aggregated/d.json", bytes("2"), WriteCondition.IF_ABSENT);
    }

    @Test
    void metadataReportsSizeUpdateTimeEtagAndTheGenerationOfTheToken() {
        String token = store.writeRecord("aggregated/m.json", bytes("12345"));

        ObjectMetadata meta = store.getMetadata("aggregated/m.json").orElseThrow();

        assertEquals(5, meta.size());
        assertNotNull(meta.lastModified());
        assertNotNull(meta.etag());
        assertEquals(Long.parseLong(token), meta.generation());
        assertEquals(token, meta.toMap().get("generation").toString());
    }

    @Test
    void locationNamesTheBucket() {
        assertEquals("gs://" + bucket, store.location());
    }
}
