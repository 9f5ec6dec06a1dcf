package com.mantissa.stance.sync.engine;

import static com.mantissa.stance.sync.formats.ProducerDocuments.ACCOUNT;
import static com.mantissa.stance.sync.formats.ProducerDocuments.detection;
import static com.mantissa.stance.sync.formats.ProducerDocuments.pretty;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.CountingStore;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Another producer's file (Prowler's OCSF here) that the account's index remembers as pushed whole,
 * at the version its store shows, is not read again, by a push or by the worker's resumable push,
 * as a Stance scan file is not: both kinds it holds are remembered, each under its own entry, and
 * the account's status counts what they remember. A file that changed is read again.
 */
class UnchangedProducerFilesTest {
    private static final String FILE = "prowler/output.ocsf.json";
    private static final String PREFIX = "aggregated";
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    private final MemoryStore spoke = new MemoryStore();
    private final MemoryStore central = new MemoryStore();
    private final SyncConfig config = SyncConfig.builder("central").batchSize(2).build();

    private void write(int findings) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < findings; i++) {
            events.add(detection("uid-" + i, "s3_bucket_public_read", "arn:aws:s3:::bucket-" + i));
        }
        spoke.writeRecord(FILE, pretty(events).getBytes(StandardCharsets.UTF_8), WriteCondition.NONE);
    }

    /** One push of the file by the entry point {@code how}: "push" (the CLI's), "resumable" (the worker's). */
    private Pushed push(String how, CountingStore counted, Instant at) {
        Clock clock = Clock.fixed(at, ZoneOffset.UTC);
        if (how.equals("resumable")) {
            ResumablePush.Outcome outcome = Central.at(central, PREFIX).resumablePush(PushDescription.of(config))
                    .clock(clock).run(counted, FILE, "memory://spoke/prowler", ACCOUNT, "aws", Duration.ofHours(1));
            assertTrue(outcome.finished(), outcome.toString());
            return new Pushed(outcome.result(), outcome.filesUnchanged());
        }
        CrossCloudSync sync = new CrossCloudSync(config, central).trackState(false).clock(clock);
        sync.addScanLocation(counted, FILE, null, ACCOUNT, "aws");
        SyncResult result = sync.sync();
        return new Pushed(result, sync.lastFilesUnchanged());
    }

    private record Pushed(SyncResult result, long filesUnchanged) {
    }

    private List<Long> status() {
        AccountStatus status = AccountStatus.load(central, PREFIX, ACCOUNT).orElseThrow();
        return List.of(status.findings(), status.open(), status.assets());
    }

    @ParameterizedTest
    @ValueSource(strings = {"push", "resumable"})
    void anUnchangedProducerFileIsNotReadAgainAndStillCountsInTheStatus(String how) {
        write(5);
        Pushed first = push(how, new CountingStore(spoke), T0);
        assertTrue(first.result().success(), first.result().toString());
        assertEquals(10, first.result().recordsSynced(), "5 findings and their 5 assets");
        List<Long> statusAfterFirst = status();
        central.deleteRecord(AccountStatus.key(PREFIX, ACCOUNT, "aws"));
        CountingStore counted = new CountingStore(spoke);

        Pushed again = push(how, counted, T0.plusSeconds(3600));

        assertTrue(again.result().success(), again.result().toString());
        assertEquals(0, counted.counts().reads(), "the file is not read: " + counted.counts());
        assertEquals(2, again.filesUnchanged(), "the file's findings and its assets");
        assertEquals(10, again.result().recordsSkipped());
        assertEquals(statusAfterFirst, status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"push", "resumable"})
    void aChangedProducerFileIsReadAgain(String how) {
        write(5);
        assertTrue(push(how, new CountingStore(spoke), T0).result().success());
        write(6);
        CountingStore counted = new CountingStore(spoke);

        Pushed again = push(how, counted, T0.plusSeconds(60));

        assertTrue(again.result().success(), again.result().toString());
        assertTrue(counted.counts().reads() >= 1, counted.counts().toString());
        assertEquals(0, again.filesUnchanged());
        assertEquals(List.of(6L, 6L, 6L), status());
        CountingStore third = new CountingStore(spoke);
        assertEquals(2, push(how, third, T0.plusSeconds(120)).filesUnchanged());
        assertEquals(0, third.counts().reads(), third.counts().toString());
    }
}
