package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.account.AccountPushPass;
import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.CountingStore;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a push of a snapshot costs its source: each scan file is read once, by the push itself,
 * and not at all when the account's index shows it unchanged; only a push that resolves what the
 * snapshot lacks reads the snapshot once more beforehand, because it must know every id before it
 * may write anything. The files come with the metadata the locator reads, as every push of a
 * located scan has them.
 */
class SnapshotReadsTest {
    private static final String ACCOUNT = "123456789012";
    static final String FINDINGS = "stance/findings/20261130-100000/findings.jsonl";
    static final String ASSETS = "stance/assets/20261130-100000/assets.jsonl";
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    static MemoryStore source() {
        MemoryStore source = new MemoryStore();
        StringBuilder findings = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            findings.append("{\"id\": \"f-").append(i).append("\", \"status\": \"").append(i % 4 == 0 ? "resolved" : "open")
                    .append("\", \"severity\": \"high\", \"last_seen\": \"2026-11-30T09:00:00Z\"}\n");
        }
        source.writeRecord(FINDINGS,
                findings.toString().getBytes(StandardCharsets.UTF_8));
        source.writeRecord(ASSETS,
                "{\"id\": \"a-1\", \"type\": \"bucket\"}\n{\"id\": \"a-2\", \"type\": \"bucket\"}\n"
                        .getBytes(StandardCharsets.UTF_8));
        return source;
    }

    static SyncResult push(MemoryStore central, CountingStore source, ResolveSettings resolve) {
        SyncConfig config = SyncConfig.builder("central").batchSize(5).concurrency(2).build();
        List<ScanLocator.ScanFile> files = List.of(
                new ScanLocator.ScanFile(RecordKind.FINDING, FINDINGS, FINDINGS, source.store().getMetadata(FINDINGS)
                        .orElseThrow()),
                new ScanLocator.ScanFile(RecordKind.ASSET, ASSETS, ASSETS, source.store().getMetadata(ASSETS)
                        .orElseThrow()));
        CrossCloudSync sync = new CrossCloudSync(config, central).trackState(false).resolveMissing(resolve)
                .clock(Clock.fixed(T0, ZoneOffset.UTC));
        sync.addScanFiles(source, files, ACCOUNT, "aws");
        SyncResult result = sync.sync();
        assertTrue(result.success(), result.toString());
        return result;
    }

    @Test
    void aPushWithoutResolveMissingOpensEachScanFileOnce() {
        MemoryStore central = new MemoryStore();
        CountingStore source = new CountingStore(source());

        push(central, source, null);

        assertEquals(2, source.counts().reads(), "each of the two scan files opened once: " + source.counts());
        assertEquals(0, source.counts().lists() + source.counts().metadata() + source.counts().deletes()
                + source.counts().conditionalWrites() + source.counts().unconditionalWrites(), source.counts().toString());
        AccountStatus status = AccountStatus.load(central, "aggregated", ACCOUNT).orElseThrow();
        assertEquals(List.of(12L, 9L, 3L, 2L), List.of(status.findings(), status.open(), status.resolved(),
                status.assets()));
    }

    @Test
    void anUnchangedRePushOpensNoScanFile() {
        MemoryStore central = new MemoryStore();
        MemoryStore spoke = source();
        push(central, new CountingStore(spoke), null);
        CountingStore source = new CountingStore(spoke);

        SyncResult again = push(central, source, null);

        assertEquals(14, again.recordsSkipped());
        assertEquals(0, source.counts().reads(), source.counts().toString());
    }

    @Test
    void aPushThatResolvesWhatTheSnapshotLacksReadsTheSnapshotOnceBeforehand() {
        MemoryStore central = new MemoryStore();
        CountingStore source = new CountingStore(source());

        push(central, source, new ResolveSettings(0.5, false));

        assertEquals(4, source.counts().reads(), "the census, then the push: " + source.counts());
    }
}
