package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.function.Executable;

/**
 * What every {@link StorageAdapter} must do, run against a real store (a folder, moto,
 * Azurite, the GCS emulator). Each test works under its own random prefix, so all classes can
 * share one bucket and one server.
 */
public abstract class StorageAdapterContractTest {

    private static final int WRITERS = 8;
    private static ExecutorService pool;

    private String prefix;

    /** The adapter under test, on a bucket/container that exists. */
    protected abstract StorageAdapter store();

    /** The same kind of adapter on a bucket/container that does not exist. */
    protected abstract StorageAdapter storeWithMissingContainer();

    /** What {@link StorageAdapter#location()} of {@link #store()} must say. */
    protected abstract String expectedLocation();

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(WRITERS);
    }

    @AfterAll
    static void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), "writer threads did not stop");
    }

    @BeforeEach
    void uniquePrefix(TestInfo test) {
        prefix = "contract/" + test.getTestMethod().orElseThrow().getName() + "-" + UUID.randomUUID() + "/";
    }

    private String key(String name) {
        return prefix + name;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readAfterWriteReturnsContentAndTheWrittenToken() {
        byte[] content = utf8("{\"id\": \"f-1\"}");
        String token = store().writeRecord(key("f-1.json"), content, WriteCondition.IF_ABSENT);

        StoredObject read = store().readRecord(key("f-1.json")).orElseThrow();

        assertNotNull(token);
        assertArrayEquals(content, read.content());
        assertEquals(token, read.versionToken());
    }

    @Test
    void readOfAbsentKeyIsEmpty() {
        assertEquals(Optional.empty(), store().readRecord(key("never-written.json")));
        assertEquals(Optional.empty(), store().getMetadata(key("never-written.json")));
    }

    @Test
    void missingContainerIsAPermanentErrorNotAnAbsentRecord() {
        StorageAdapter missing = storeWithMissingContainer();
        String path = key("x.json");
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("readRecord", () -> missing.readRecord(path));
        calls.put("getMetadata", () -> missing.getMetadata(path));
        calls.put("listRecords", () -> missing.listRecords(prefix));
        calls.put("openStream", () -> missing.openStream(path).close());
        calls.put("writeRecord", () -> missing.writeRecord(path, utf8("{}"), WriteCondition.IF_ABSENT));
        calls.put("deleteRecord", () -> missing.deleteRecord(path));
        assertAll(calls.entrySet().stream().map(call -> () -> assertThrows(PermanentStorageException.class,
                call.getValue(), call.getKey() + " on " + missing.location())));
    }

    @Test
    void racingCreatorsOfOneKeyHaveExactlyOneWinner() throws Exception {
        String path = key("contended.json");
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> outcomes = new ArrayList<>();
        for (int writer = 0; writer < WRITERS; writer++) {
            byte[] content = utf8("{\"writer\": " + writer + "}");
            outcomes.add(pool.submit(() -> {
                start.await();
                try {
                    store().writeRecord(path, content, WriteCondition.IF_ABSENT);
                    return new String(content, StandardCharsets.UTF_8);
                } catch (PreconditionFailedException lost) {
                    return null;
                }
            }));
        }
        start.countDown();
        List<String> winners = new ArrayList<>();
        for (Future<String> outcome : outcomes) {
            String won = outcome.get(60, TimeUnit.SECONDS);
            if (won != null) {
                winners.add(won);
            }
        }

        assertEquals(1, winners.size(), "winners: " + winners);
        assertEquals(winners.get(0), new String(store().readRecord(path).orElseThrow().content(), StandardCharsets.UTF_8));
    }

    @Test
    void createIfAbsentOnExistingKeyFailsAndKeepsTheContent() {
        String path = key("existing.json");
        store().writeRecord(path, utf8("first"), WriteCondition.IF_ABSENT);

        assertThrows(PreconditionFailedException.class,
                () -> store().writeRecord(path, utf8("second"), WriteCondition.IF_ABSENT));
        assertArrayEquals(utf8("first"), store().readRecord(path).orElseThrow().content());
    }

    @Test
    void replaceWithCurrentTokenSucceedsAndReturnsANewToken() {
        String path = key("versioned.json");
        String first = store().writeRecord(path, utf8("v1"), WriteCondition.IF_ABSENT);

        String second = store().writeRecord(path, utf8("v2"), WriteCondition.ifMatch(first));

        assertNotEquals(first, second);
        StoredObject read = store().readRecord(path).orElseThrow();
        assertArrayEquals(utf8("v2"), read.content());
        assertEquals(second, read.versionToken());
    }

    @Test
    void replaceWithStaleTokenFailsAndKeepsTheNewerContent() {
        String path = key("stale.json");
        String first = store().writeRecord(path, utf8("v1"), WriteCondition.IF_ABSENT);
        String second = store().writeRecord(path, utf8("v2"), WriteCondition.ifMatch(first));

        assertThrows(PreconditionFailedException.class,
                () -> store().writeRecord(path, utf8("v3 from a stale reader"), WriteCondition.ifMatch(first)));
        StoredObject read = store().readRecord(path).orElseThrow();
        assertArrayEquals(utf8("v2"), read.content());
        assertEquals(second, read.versionToken());
    }

    @Test
    void replaceOfADeletedObjectIsAPreconditionFailure() {
        String path = key("deleted-under-us.json");
        String token = store().writeRecord(path, utf8("v1"), WriteCondition.IF_ABSENT);
        store().deleteRecord(path);

        assertThrows(PreconditionFailedException.class,
                () -> store().writeRecord(path, utf8("v2"), WriteCondition.ifMatch(token)));
        assertEquals(Optional.empty(), store().readRecord(path));
    }

    @Test
    void unconditionalWriteOverwrites() {
        String path = key("plain.json");
        store().writeRecord(path, utf8("v1"));
        String token = store().writeRecord(path, utf8("v2"));

        StoredObject read = store().readRecord(path).orElseThrow();
        assertArrayEquals(utf8("v2"), read.content());
        assertEquals(token, read.versionToken());
    }

    @Test
    void listingReturnsEveryKeySortedAcrossPages() throws Exception {
        List<String> expected = IntStream.range(0, 1050)
                .mapToObj(i -> key(String.format("findings/%04d.json", i)))
                .collect(Collectors.toList());
        List<Future<String>> writes = new ArrayList<>();
        for (String path : expected) {
            writes.add(pool.submit(() -> store().writeRecord(path, utf8("{}"), WriteCondition.IF_ABSENT)));
        }
        for (Future<String> write : writes) {
            write.get(120, TimeUnit.SECONDS);
        }
        store().writeRecord(key("assets/a.json"), utf8("{}"));

        assertEquals(expected, store().listRecords(key("findings/")));
        assertEquals(List.of(key("assets/a.json")), store().listRecords(key("assets/")));
        assertEquals(1051, store().listRecords(prefix).size());
    }

    @Test
    void keysWithUnicodeColonAtSpaceAndPlusRoundTrip() {
        List<String> names = List.of(
                "assets/9f2c/123456789012/arn_aws_iam__123456789012_role_Admin.json",
                "findings/ab12/123456789012/ünïcødé 日本語 😀.json",
                "findings/ab12/123456789012/colon:at@sign space+plus.json",
                "findings/ab12/123456789012/percent%20and=equals&amp.json");
        for (String name : names) {
            store().writeRecord(key(name), utf8(name), WriteCondition.IF_ABSENT);
        }

        for (String name : names) {
            assertArrayEquals(utf8(name), store().readRecord(key(name)).orElseThrow().content(), name);
            assertEquals(name.getBytes(StandardCharsets.UTF_8).length,
                    store().getMetadata(key(name)).orElseThrow().size(), name);
        }
        assertEquals(names.stream().map(this::key).sorted().collect(Collectors.toList()), store().listRecords(prefix));
        for (String name : names) {
            store().deleteRecord(key(name));
        }
        assertEquals(List.of(), store().listRecords(prefix));
    }

    @Test
    void oneMegabyteRecordRoundTrips() {
        byte[] content = new byte[1024 * 1024];
        new Random(42).nextBytes(content);
        String token = store().writeRecord(key("big.json"), content, WriteCondition.IF_ABSENT);

        StoredObject read = store().readRecord(key("big.json")).orElseThrow();

        assertArrayEquals(content, read.content());
        assertEquals(token, read.versionToken());
    }

    @Test
    void openStreamDeliversTheWholeObject() throws IOException {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(content);
        store().writeRecord(key("scan/findings.jsonl"), content, WriteCondition.IF_ABSENT);

        try (InputStream in = store().openStream(key("scan/findings.jsonl"))) {
            assertArrayEquals(content, in.readAllBytes());
        }
    }

    @Test
    void openStreamOfAbsentObjectIsNotFound() {
        assertThrows(NotFoundException.class, () -> store().openStream(key("missing/findings.jsonl")).close());
    }

    @Test
    void deletedRecordReadsAsAbsentAndDeletingAgainIsFine() {
        String path = key("doomed.json");
        store().writeRecord(path, utf8("{}"));

        store().deleteRecord(path);
        store().deleteRecord(path);
        store().deleteRecord(key("never-existed.json"));

        assertEquals(Optional.empty(), store().readRecord(path));
        assertFalse(store().listRecords(prefix).contains(path));
    }

    @Test
    void metadataReportsSizeAndTheCurrentToken() {
        byte[] content = utf8("{\"size\": \"twenty-three\"}");
        String token = store().writeRecord(key("meta.json"), content, WriteCondition.IF_ABSENT);

        ObjectMetadata metadata = store().getMetadata(key("meta.json")).orElseThrow();

        assertEquals(content.length, metadata.size());
        // GCS's token is the generation; its etag is a different value.
        assertEquals(token, metadata.generation() != null ? String.valueOf(metadata.generation()) : metadata.etag());
        assertNotNull(metadata.lastModified());
    }

    /**
     * What a push compares to tell an unchanged scan file without reading it: the version a
     * metadata request reports (etag, and GCS's generation) stays while the object is only read,
     * and changes when the object is rewritten with other content of the same size.
     */
    @Test
    void metadataVersionStaysWhileReadAndChangesWithNewContent() throws IOException {
        String path = key("findings.jsonl");
        store().writeRecord(path, utf8("{\"id\": \"f-1\"}\n"));
        String first = version(store().getMetadata(path).orElseThrow());
        store().readRecord(path);
        try (var in = store().openStream(path)) {
            in.readAllBytes();
        }

        assertEquals(first, version(store().getMetadata(path).orElseThrow()));
        store().writeRecord(path, utf8("{\"id\": \"f-2\"}\n"));
        ObjectMetadata rewritten = store().getMetadata(path).orElseThrow();
        assertNotEquals(first, version(rewritten));
        assertEquals(utf8("{\"id\": \"f-2\"}\n").length, rewritten.size());
    }

    private static String version(ObjectMetadata metadata) {
        assertNotNull(metadata.etag() != null ? metadata.etag() : metadata.generation(), "a version to compare");
        return metadata.etag() + "#" + metadata.generation();
    }

    /**
     * Whether the store limits each {@code /}-separated name of a key (a folder: 255 bytes per
     * file or folder name) rather than the whole key (S3, GCS, Azure: 1,024 bytes).
     */
    protected boolean limitsEachName() {
        return false;
    }

    /** The longest key this store holds under this test's prefix, padded with {@code fill}. */
    private String keyAtTheLimit(char fill) {
        String stem = prefix + "long/";
        int room = limitsEachName() ? 255 : 1024 - stem.getBytes(StandardCharsets.UTF_8).length;
        int fillBytes = String.valueOf(fill).getBytes(StandardCharsets.UTF_8).length;
        String name = String.valueOf(fill).repeat((room - ".json".length()) / fillBytes);
        return stem + name + ".json";
    }

    private int limit() {
        return limitsEachName() ? 255 : 1024;
    }

    @Test
    void keyAtTheStoresLimitRoundTrips() throws IOException {
        String path = keyAtTheLimit('a');
        int bytes = limitsEachName() ? path.substring(path.lastIndexOf('/') + 1).length() : path.length();
        assertEquals(limit(), bytes, "the key (or its last name) is exactly at the limit");
        byte[] content = utf8("{\"id\": \"long\"}");

        String token = store().writeRecord(path, content, WriteCondition.IF_ABSENT);
        String replaced = store().writeRecord(path, content, WriteCondition.ifMatch(token));

        assertArrayEquals(content, store().readRecord(path).orElseThrow().content());
        assertEquals(replaced, store().readRecord(path).orElseThrow().versionToken());
        assertEquals(content.length, store().getMetadata(path).orElseThrow().size());
        try (InputStream in = store().openStream(path)) {
            assertArrayEquals(content, in.readAllBytes());
        }
        assertEquals(List.of(path), store().listRecords(prefix + "long/"));
        store().deleteRecord(path);
        assertEquals(Optional.empty(), store().readRecord(path));
    }

    @Test
    void keyOverTheStoresLimitIsAnInvalidKeyNamingTheLimit() {
        // Two-byte characters: the limit counts UTF-8 bytes, not characters.
        String atLimit = keyAtTheLimit('\u00e9');
        String over = atLimit.substring(0, atLimit.length() - ".json".length()) + "\u00e9.json";
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("writeRecord", () -> store().writeRecord(over, utf8("{}"), WriteCondition.IF_ABSENT));
        calls.put("readRecord", () -> store().readRecord(over));
        calls.put("getMetadata", () -> store().getMetadata(over));
        calls.put("openStream", () -> store().openStream(over).close());
        calls.put("deleteRecord", () -> store().deleteRecord(over));
        String limit = limitsEachName() ? "255" : "1,024";
        assertAll(calls.entrySet().stream().map(call -> () -> {
            InvalidKeyException e = assertThrows(InvalidKeyException.class, call.getValue(), call.getKey());
            assertTrue(e.getMessage().contains(limit + " bytes"), call.getKey() + ": " + e.getMessage());
        }));
        assertEquals(List.of(), store().listRecords(prefix));
    }

    @Test
    void locationNamesTheStore() {
        assertEquals(expectedLocation(), store().location());
    }

    /**
     * 16 engines push overlapping versions of the same 100 findings under
     * LATEST_WINS. The newest last_seen wins everywhere, nobody reports an error, and the
     * final {@code _version}s add up to the writes the engines report.
     */
    @Test
    void sixteenConcurrentEnginesLoseNoUpdate() throws Exception {
        int engines = 16;
        int records = 100;
        String centralPrefix = prefix.substring(0, prefix.length() - 1);
        ExecutorService pool = Executors.newFixedThreadPool(engines);
        try {
            List<Future<SyncResult>> results = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int e = 0; e < engines; e++) {
                int engine = e;
                results.add(pool.submit(() -> {
                    List<Map<String, Object>> findings = new ArrayList<>();
                    for (int i = 0; i < records; i++) {
                        Map<String, Object> f = new LinkedHashMap<>();
                        f.put("id", "race-" + i);
                        f.put("title", "engine " + engine);
                        f.put("last_seen", String.format("2024-05-01T12:%02d:00+00:00", engine));
                        findings.add(f);
                    }
                    java.util.Collections.shuffle(findings, new Random(engine));
                    CrossCloudSync sync = new CrossCloudSync(SyncConfig.builder("contract").centralPrefix(centralPrefix)
                            .concurrency(4).build(), store());
                    sync.addLocalFindings(findings, "123456789012", "aws");
                    start.await();
                    return sync.sync();
                }));
            }
            start.countDown();
            long accepted = 0;
            for (Future<SyncResult> result : results) {
                SyncResult r = result.get(10, TimeUnit.MINUTES);
                assertEquals(List.of(), r.errors());
                accepted += r.recordsSynced();
            }
            long versions = 0;
            for (int i = 0; i < records; i++) {
                String path = RecordPaths.findingPath(centralPrefix, "123456789012", "race-" + i);
                Map<String, Object> record = JsonParser.parseObject(
                        new String(store().readRecord(path).orElseThrow().content(), StandardCharsets.UTF_8));
                assertEquals("engine " + (engines - 1), record.get("title"), path);
                assertEquals(Checksums.recordChecksum(record), record.get("_checksum"), path);
                versions += ((Number) record.get("_version")).longValue();
            }
            assertEquals(accepted, versions, "sum of _version = accepted writes");
        } finally {
            pool.shutdownNow();
        }
    }
}
