package com.mantissa.stance.sync.engine.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.PushChanges;
import com.mantissa.stance.sync.engine.exec.Retry;
import com.mantissa.stance.sync.engine.exec.StoreCalls;
import com.mantissa.stance.sync.model.FindingChange;
import com.mantissa.stance.sync.storage.PreconditionFailedException;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A push's changes past the in-memory bound spill to disk and come back exactly as held ones
 * would; a feed past the part size is written in parts that read back whole, and a part whose
 * first object is missing is not read.
 */
class ChangeLogSpillTest {
    private static final Instant PUSHED = Instant.parse("2026-12-07T10:15:30.123456Z");

    /** The same writes, in the same order, told to {@code log}: three accounts, some ids changed twice. */
    private static void tell(ChangeLog log, List<Integer> heldAfterEach) {
        Random random = new Random(42);
        for (String account : List.of("111111111111", "222222222222", "333333333333")) {
            log.snapshot(account, "aws", "snap-" + account);
        }
        for (int i = 0; i < 1_000; i++) {
            String account = List.of("111111111111", "222222222222", "333333333333").get(random.nextInt(3));
            String id = "f-" + random.nextInt(400);
            Map<String, Object> after = new HashMap<>();
            after.put("id", id);
            after.put("status", random.nextBoolean() ? "open" : "resolved");
            after.put("severity", List.of("low", "high", "critical").get(random.nextInt(3)));
            after.put("title", random.nextInt(5) == 0 ? null : "title é " + i);
            after.put("asset_id", "arn:aws:s3:::bucket-" + i);
            after.put("_resolved_reason", "not in the scan");
            boolean existed = random.nextBoolean();
            log.written(account, "aws", existed, existed ? "open" : null, existed ? "low" : null, after);
            heldAfterEach.add(log.held());
        }
    }

    @Test
    void changesSpilledToDiskComeBackAsHeldOnesWould() {
        List<Integer> unbounded = new ArrayList<>();
        List<Integer> bounded = new ArrayList<>();
        try (ChangeLog held = new ChangeLog(PUSHED, Integer.MAX_VALUE); ChangeLog spilled = new ChangeLog(PUSHED, 7)) {
            tell(held, unbounded);
            tell(spilled, bounded);
            List<PushChanges> expected = held.pushes();
            List<PushChanges> actual = spilled.pushes();
            assertEquals(3, actual.size());
            assertTrue(expected.stream().mapToInt(p -> p.changes().size()).sum() > 500, "most writes are changes");
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i).changes(), actual.get(i).changes(), "account " + i);
                assertEquals(expected.get(i).push(), actual.get(i).push());
                // Streamed twice: each read goes back to the runs' start.
                assertEquals(new ArrayList<>(actual.get(i).changes()), List.copyOf(actual.get(i).changes()));
            }
            assertTrue(bounded.stream().allMatch(n -> n < 7), "never more than the bound held: " + bounded);
            assertTrue(unbounded.get(unbounded.size() - 1) > 500);
            // An id changed twice keeps the order its changes happened in.
            Map<String, List<FindingChange.Kind>> kinds = actual.get(0).changes().stream().collect(
                    Collectors.groupingBy(FindingChange::id, Collectors.mapping(FindingChange::change,
                            Collectors.toList())));
            assertTrue(kinds.values().stream().anyMatch(k -> k.size() > 1), "some id changed twice");
        }
    }

    @Test
    void spilledChangesCannotBeReadOnceTheLogIsClosed() {
        ChangeLog log = new ChangeLog(PUSHED, 3);
        tell(log, new ArrayList<>());
        List<FindingChange> changes = log.pushes().get(0).changes();
        log.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> changes.forEach(c -> { }));
        assertTrue(e.getMessage().contains("after its change log was closed"), e.getMessage());
    }

    @Test
    void aFeedPastThePartSizeIsWrittenInPartsThatReadBackWhole() {
        MemoryStore central = new MemoryStore();
        try (ChangeLog log = new ChangeLog(PUSHED, 50)) {
            tell(log, new ArrayList<>());
            PushChanges push = log.pushes().get(0);
            OffsetDateTime at = log.at();
            PushChanges recorded = ChangeFeed.record(central, Retry.defaults(), "org", push, at, 2_000);
            assertTrue(recorded.recorded());
            List<String> keys = central.listRecords("org/_changes/111111111111/");
            assertTrue(keys.size() > 5, "written in parts: " + keys);
            assertTrue(keys.contains(recorded.key()));
            for (String key : keys) {
                assertTrue(central.readRecord(key).orElseThrow().content().length <= 2_000, key);
            }
            byte[] whole = ChangeFeed.bytes(push.changes());
            StringBuilder joined = new StringBuilder();
            for (int part = 1; part <= keys.size(); part++) {
                String key = part == 1 ? recorded.key() : recorded.key().replace(".jsonl", "." + part + ".jsonl");
                joined.append(new String(central.readRecord(key).orElseThrow().content(),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
            assertEquals(new String(whole, java.nio.charset.StandardCharsets.UTF_8), joined.toString(),
                    "the parts, in order, are the feed");

            ChangeFeedReader reader = new ChangeFeedReader(central, new StoreCalls(central, "test"), "org");
            Instant since = PUSHED.minusSeconds(60);
            Instant until = PUSHED.plusSeconds(60);
            ChangeFeedReader.Read read = reader.read(since, until, "111111111111", null);
            assertEquals(List.of(), read.errors());
            List<FindingChange> expected = new ArrayList<>(push.changes());
            expected.sort(ChangeFeedReader.ORDER);
            assertEquals(expected, read.changes());

            // A redelivery (a later time, the same day) finds the push recorded and leaves every part.
            Map<String, byte[]> before = new HashMap<>();
            keys.forEach(k -> before.put(k, central.readRecord(k).orElseThrow().content()));
            try (ChangeLog redelivered = new ChangeLog(PUSHED.plusSeconds(5), 50)) {
                tell(redelivered, new ArrayList<>());
                PushChanges again = ChangeFeed.record(central, Retry.defaults(), "org", redelivered.pushes().get(0),
                        redelivered.at(), 2_000);
                assertEquals(push.push(), again.push(), "the same content is the same push");
                assertFalse(again.recorded());
            }
            assertEquals(keys, central.listRecords("org/_changes/111111111111/"));
            keys.forEach(k -> assertEquals(new String(before.get(k)),
                    new String(central.readRecord(k).orElseThrow().content()), k));

            // Without its first object, a push's parts are an attempt that stopped: not read.
            central.deleteRecord(recorded.key());
            assertEquals(List.of(), reader.read(since, until, "111111111111", null).changes());

            // Another attempt of the same push, finding those parts, does not mix its own in.
            try (ChangeLog later = new ChangeLog(PUSHED.plusSeconds(9), 50)) {
                tell(later, new ArrayList<>());
                PreconditionFailedException e = assertThrows(PreconditionFailedException.class,
                        () -> ChangeFeed.record(central, Retry.defaults(), "org", later.pushes().get(0), later.at(),
                                2_000));
                assertTrue(e.getMessage().contains("holds another attempt's changes of this push"), e.getMessage());
                assertTrue(central.readRecord(recorded.key()).isEmpty(), "the first object stays unwritten");
            }
        }
    }

    @Test
    void onlyLaterPartsNameTheirFirstObject() {
        String push = "0123456789abcdef0123456789abcdef";
        assertEquals("p/_changes/1/dt=2026-12-07/" + push + ".jsonl",
                ChangeFeed.firstOfPart("p/_changes/1/dt=2026-12-07/" + push + ".12.jsonl").orElseThrow());
        assertTrue(ChangeFeed.firstOfPart("p/_changes/1/dt=2026-12-07/" + push + ".jsonl").isEmpty());
        assertTrue(ChangeFeed.firstOfPart("p/_changes/1/dt=2026-12-07/" + push + ".1.jsonl").isEmpty());
        assertTrue(ChangeFeed.firstOfPart("p/_changes/1/dt=2026-12-07/other.2.jsonl").isEmpty());
    }
}
