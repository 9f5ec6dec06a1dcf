package com.mantissa.stance.sync.engine.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The scan files an account's index remembers travel in the index object itself. */
class ScanFileVersionsTest {
    private static final String ACCOUNT = "123456789012";
    private static final String FINDINGS = "s3://spoke/stance/findings/20261130-100000/findings.jsonl";
    private static final String ASSETS = "s3://spoke/stance/assets/20261130-100000/assets.jsonl";

    static ScanFileEntry entry(String kind, String version, long recordedAt) {
        return new ScanFileEntry(kind, version, 1234, "20261130-100000", recordedAt, 12, true,
                Map.of("findings", 10L, "open", 6L, "resolved", 4L, "assets", 0L, "kinds", List.of("findings"),
                        "incomplete", List.of()),
                Map.of("pairs", List.of(List.of("us-east-1", "aws_s3_bucket"))));
    }

    static PushIndex indexWithOneRecord() {
        PushIndex index = new PushIndex(ACCOUNT);
        index.put(PushIndex.key("aggregated/findings/x/" + ACCOUNT + "/f-1.json"),
                new PushIndex.Entry(PushIndex.checksum("a".repeat(64)), 1, 1_700_000_000_000_000L, "\"etag\""));
        return index;
    }

    @Test
    void entriesWithTheirCountsAndCoverageSurviveAStoreLoadRoundTrip() {
        PushIndex index = indexWithOneRecord();
        index.scanFiles().remember(FINDINGS, entry("findings", "\"e1\"", 1_000));
        index.scanFiles().remember(ASSETS, entry("assets", "17#1700000000000000", 2_000));

        PushIndex loaded = PushIndex.parse(index.serialize(), ACCOUNT);

        assertEquals(1, loaded.size());
        assertEquals(entry("findings", "\"e1\"", 1_000), loaded.scanFiles().get(FINDINGS));
        assertEquals(entry("assets", "17#1700000000000000", 2_000), loaded.scanFiles().get(ASSETS));
        assertEquals(List.of(List.of("us-east-1", "aws_s3_bucket")), loaded.scanFiles().get(FINDINGS).coverage()
                .get("pairs"));
    }

    @Test
    void theResolvePassAnEntryRemembersSurvivesARoundTripAndCanBeForgotten() {
        Map<String, Object> pass = Map.of("at", 3_000L, "files", 2L, "already_resolved", 1L,
                "by_reason", Map.of("missing_from_scan", 1L));
        PushIndex index = indexWithOneRecord();
        index.scanFiles().remember(FINDINGS, entry("findings", "\"e1\"", 1_000).withResolvePass(pass));
        index.scanFiles().remember(ASSETS, entry("assets", "\"e2\"", 1_000));

        PushIndex loaded = PushIndex.parse(index.serialize(), ACCOUNT);

        assertEquals(pass, loaded.scanFiles().get(FINDINGS).resolvePass());
        assertEquals(Map.of(), loaded.scanFiles().get(ASSETS).resolvePass());
        assertTrue(loaded.scanFiles().forgetResolvePasses());
        assertEquals(entry("findings", "\"e1\"", 1_000), loaded.scanFiles().get(FINDINGS), "the entry stays");
        assertEquals(false, loaded.scanFiles().forgetResolvePasses());
    }

    /** Entries written before resolve passes were remembered have none, and still read. */
    @Test
    void anEntryWithoutAResolvePassReadsAsNoneRemembered() {
        Map<String, Object> written = new java.util.LinkedHashMap<>(entry("findings", "\"e1\"", 1_000).toMap());
        written.remove("resolve_pass");

        assertEquals(entry("findings", "\"e1\"", 1_000), ScanFileEntry.fromMap(written));
    }

    @Test
    void anIndexOfTheFormatBeforeScanFilesStillReadsWithNone() {
        byte[] current = indexWithOneRecord().serialize();
        // The same index in the earlier format: its magic, its one entry without the finding's
        // state (the byte after how its line counts), and no scan file count before the CRC.
        int stateAt = 8 + 2 + ACCOUNT.getBytes(StandardCharsets.UTF_8).length + 4 + 16 + 32 + 8 + 8 + 8 + 16 + 1;
        ByteBuffer old = ByteBuffer.allocate(current.length - 4 - 1);
        old.put("STIDX004".getBytes(StandardCharsets.US_ASCII)).put(current, 8, stateAt - 8)
                .put(current, stateAt + 1, current.length - stateAt - 1 - 4 - 8);
        CRC32 crc = new CRC32();
        crc.update(old.array(), 0, old.position());
        old.putLong(crc.getValue());

        PushIndex loaded = PushIndex.parse(old.array(), ACCOUNT);

        assertEquals(1, loaded.size());
        assertEquals(0, loaded.scanFiles().size());
    }

    @Test
    void aDamagedScanFileEntryMakesTheIndexCorrupt() {
        PushIndex index = indexWithOneRecord();
        index.scanFiles().remember(FINDINGS, entry("findings", "\"e1\"", 1_000));
        byte[] bytes = index.serialize();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\"records\"");
        bytes[at + 1] = 'X'; // no longer the expected field
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        ByteBuffer.wrap(bytes, bytes.length - 8, 8).putLong(crc.getValue());

        assertThrows(CorruptIndexException.class, () -> PushIndex.parse(bytes, ACCOUNT));
        byte[] truncated = Arrays.copyOf(index.serialize(), bytes.length - 20);
        assertThrows(CorruptIndexException.class, () -> PushIndex.parse(truncated, ACCOUNT));
    }

    @Test
    void mergeTakesTheLaterReadOfEachFile() {
        PushIndex mine = indexWithOneRecord();
        mine.scanFiles().remember(FINDINGS, entry("findings", "\"old\"", 1_000));
        PushIndex theirs = indexWithOneRecord();
        theirs.scanFiles().remember(FINDINGS, entry("findings", "\"new\"", 2_000));
        theirs.scanFiles().remember(ASSETS, entry("assets", "\"a\"", 500));

        mine.mergeNewer(theirs);

        assertEquals("\"new\"", mine.scanFiles().get(FINDINGS).version());
        assertEquals("\"a\"", mine.scanFiles().get(ASSETS).version());
    }

    @Test
    void forgettingAKindKeepsTheOtherKindAndTheFileExcepted() {
        ScanFileVersions files = new ScanFileVersions();
        files.remember(FINDINGS, entry("findings", "\"e1\"", 1_000));
        files.remember("s3://other/findings.jsonl", entry("findings", "\"e2\"", 1_000));
        files.remember(ASSETS, entry("assets", "\"e3\"", 1_000));

        assertTrue(files.forgetKind("findings", FINDINGS));

        assertEquals("\"e1\"", files.get(FINDINGS).version());
        assertNull(files.get("s3://other/findings.jsonl"));
        assertEquals("\"e3\"", files.get(ASSETS).version());
    }

    @Test
    void anEntryShowsTheSameFileOnlyAtItsVersionSizeAndSnapshotAndWhileYoung() {
        ScanFileEntry e = entry("findings", "\"e1\"", 1_000);

        assertTrue(e.sameFile("\"e1\"", 1234, "20261130-100000"));
        assertEquals(List.of(false, false, false), List.of(e.sameFile("\"e2\"", 1234, "20261130-100000"),
                e.sameFile("\"e1\"", 1235, "20261130-100000"), e.sameFile("\"e1\"", 1234, "20261201-100000")));
        assertEquals(List.of(true, false, false), List.of(e.fresh(1_500, 1_000), e.fresh(2_000, 1_000),
                e.fresh(1_500, 0)));
    }
}
