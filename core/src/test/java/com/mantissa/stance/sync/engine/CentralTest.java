package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.scan.ScanLocator;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every operation on central is reached through one {@link Central}, and all of them work under
 * the same normalised prefix, however it was written.
 */
class CentralTest {
    private static final String ACCOUNT = "123456789012";

    @Test
    void aPrefixIsNormalisedAsTheSyncConfigNormalisesIt() {
        Central central = Central.at(new MemoryStore(), " /team/central/ ");

        assertEquals("team/central", central.prefix());
        assertEquals(SyncConfig.builder("b").centralPrefix(" /team/central/ ").build().centralPrefix(),
                central.prefix());
        assertEquals("", Central.at(new MemoryStore(), "/").prefix());
    }

    @Test
    void aPrefixThatCouldLeaveItsFolderIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Central.at(new MemoryStore(), "team/../other"));

        assertTrue(e.getMessage().contains("'..'"), e.getMessage());
    }

    @Test
    void aSyncOrResumablePushConfiguredForAnotherPrefixIsRefused() {
        Central central = Central.at(new MemoryStore(), "hub");
        SyncConfig other = SyncConfig.builder("b").centralPrefix("elsewhere").build();

        IllegalArgumentException sync = assertThrows(IllegalArgumentException.class, () -> central.sync(other));
        assertThrows(IllegalArgumentException.class, () -> central.resumablePush(PushDescription.of(other)));
        assertTrue(sync.getMessage().contains("'elsewhere'") && sync.getMessage().contains("'hub'"),
                sync.getMessage());
    }

    @Test
    void statusExportAndPruneFindWhatAPushWroteThoughTheirPrefixIsWrittenWithSlashes() {
        MemoryStore store = new MemoryStore();
        SyncConfig config = SyncConfig.builder("b").centralPrefix("hub").build();
        CrossCloudSync push = Central.at(store, "hub").sync(config).trackState(false);
        push.addScanFiles(AccountStatusObjectsTest.source(3, 2),
                List.of(new ScanLocator.ScanFile(RecordKind.FINDING, "findings.jsonl", "findings.jsonl"),
                        new ScanLocator.ScanFile(RecordKind.ASSET, "assets.jsonl", "assets.jsonl")),
                ACCOUNT, "aws");
        SyncResult pushed = push.sync();
        assertEquals(5, pushed.recordsSynced(), pushed.errors().toString());

        Central slashed = Central.at(store, "/hub/");
        List<StatusOperation.Row> rows = slashed.status(Duration.ofDays(1)).run();
        assertEquals(List.of(ACCOUNT), rows.stream().map(StatusOperation.Row::account).toList());

        MemoryStore target = new MemoryStore();
        ExportResult exported = slashed.export(target, "").snapshot("20261201-120000").run();
        assertEquals(Map.of("findings", 3L, "assets", 2L),
                Map.of("findings", exported.findings(), "assets", exported.assets()), exported.errors().toString());

        PruneResult pruned = slashed.prune(ACCOUNT, null).run();
        assertEquals(3, pruned.findings());
        assertEquals(2, pruned.assets());
        // The change feed is history, kept after a prune (a lifecycle rule expires it).
        assertEquals(List.of(), store.listRecords("hub/").stream().filter(k -> !k.startsWith("hub/_changes/")).toList());
    }
}
