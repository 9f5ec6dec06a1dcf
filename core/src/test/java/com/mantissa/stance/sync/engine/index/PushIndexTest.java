package com.mantissa.stance.sync.engine.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.RecordKind;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PushIndexTest {
    private static final String SUM_A = "a".repeat(64);
    private static final String SUM_B = "0123456789abcdef".repeat(4);

    static PushIndex.Entry entry(String sum, long version, String token) {
        return new PushIndex.Entry(PushIndex.checksum(sum), version, 1_700_000_000_000_000L, token);
    }

    @Test
    void entriesSurviveGrowthAndAStoreLoadRoundTrip() {
        PushIndex index = new PushIndex("123456789012");
        for (int i = 0; i < 5000; i++) {
            index.put(PushIndex.key("aggregated/findings/x/123456789012/f-" + i + ".json"),
                    entry(i % 2 == 0 ? SUM_A : SUM_B, i + 1, "\"etag-" + i + "\""));
        }

        PushIndex loaded = PushIndex.parse(index.serialize(), "123456789012");

        assertEquals(5000, loaded.size());
        // 5,000 entries span several pages of slots and several doublings: every one must come back.
        for (int i = 0; i < 5000; i++) {
            PushIndex.Entry each = loaded.get(PushIndex.key("aggregated/findings/x/123456789012/f-" + i + ".json"));
            assertEquals(i + 1, each.version());
            assertEquals("\"etag-" + i + "\"", each.token());
        }
        PushIndex.Entry e = loaded.get(PushIndex.key("aggregated/findings/x/123456789012/f-4999.json"));
        assertEquals(5000, e.version());
        assertEquals("\"etag-4999\"", e.token());
        assertTrue(e.sameContent(PushIndex.checksum(SUM_B)));
        assertFalse(e.sameContent(PushIndex.checksum(SUM_A)));
        assertNull(loaded.get(PushIndex.key("aggregated/findings/x/123456789012/f-5000.json")));
    }

    @Test
    void howEachRawLineCountsSurvivesAStoreLoadRoundTripAndIsFoundWithItsLine() {
        PushIndex index = new PushIndex("123456789012");
        long now = PushIndex.micros(Instant.parse("2026-11-30T10:00:00Z"));
        CountedAs[] classes = CountedAs.values();
        for (int i = 0; i < 600; i++) {
            LineHash raw = LineHash.of(RecordKind.FINDING, ("line " + i).getBytes(), ("line " + i).length());
            index.put(PushIndex.key("p" + i), new PushIndex.Entry(PushIndex.checksum(SUM_A), 1, 0,
                    "\"etag-" + i + "\"", now).withRaw(raw, classes[i % classes.length]));
        }

        PushIndex loaded = PushIndex.parse(index.serialize(), "123456789012");

        for (int i = 0; i < 600; i++) {
            LineHash raw = LineHash.of(RecordKind.FINDING, ("line " + i).getBytes(), ("line " + i).length());
            CountedAs counted = classes[i % classes.length];
            PushIndex.Entry e = loaded.get(PushIndex.key("p" + i));
            assertEquals(counted, e.counted());
            assertEquals("\"etag-" + i + "\"", e.token(), "the count shares the token's reference");
            PushIndex.Known known = loaded.knownLine(raw, now + 1, 60_000_000L);
            if (counted == CountedAs.UNKNOWN) {
                assertNull(known, "a line whose count is unknown must be parsed");
            } else {
                assertEquals(new PushIndex.Known(PushIndex.key("p" + i), counted), known);
            }
        }
    }

    @Test
    void damagedOrForeignIndexIsRejectedAsCorrupt() {
        PushIndex index = new PushIndex("111111111111");
        index.put(PushIndex.key("p"), entry(SUM_A, 1, "t"));
        byte[] bytes = index.serialize();

        byte[] flipped = bytes.clone();
        flipped[flipped.length / 2] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> PushIndex.parse(flipped, "111111111111"));
        assertThrows(IllegalArgumentException.class,
                () -> PushIndex.parse(Arrays.copyOf(bytes, bytes.length - 3), "111111111111"));
        assertThrows(IllegalArgumentException.class, () -> PushIndex.parse(bytes, "222222222222"));
        assertThrows(IllegalArgumentException.class, () -> PushIndex.parse(new byte[0], "111111111111"));
        assertThrows(IllegalArgumentException.class,
                () -> PushIndex.parse("{\"json\": true}".getBytes(), "111111111111"));
    }

    @Test
    void replacedTokenAndDistrustAreKept() {
        PushIndex index = new PushIndex("1");
        PushIndex.Key key = PushIndex.key("p");
        index.put(key, entry(SUM_A, 1, "first"));
        index.put(key, entry(SUM_B, 2, "second-token"));
        assertEquals("second-token", index.get(key).token());
        assertEquals(1, index.size());

        index.distrust(key);

        PushIndex.Entry e = PushIndex.parse(index.serialize(), "1").get(key);
        assertNotNull(e);
        assertFalse(e.trusted());
    }

    @Test
    void mergeTakesTheHigherVersionOfEachRecord() {
        PushIndex mine = new PushIndex("1");
        PushIndex theirs = new PushIndex("1");
        mine.put(PushIndex.key("a"), entry(SUM_A, 3, "mine-a"));
        theirs.put(PushIndex.key("a"), entry(SUM_B, 2, "theirs-a"));
        mine.put(PushIndex.key("b"), entry(SUM_A, 1, "mine-b"));
        theirs.put(PushIndex.key("b"), entry(SUM_B, 4, "theirs-b"));
        theirs.put(PushIndex.key("c"), entry(SUM_B, 1, "theirs-c"));

        mine.mergeNewer(theirs);

        assertEquals("mine-a", mine.get(PushIndex.key("a")).token());
        assertEquals("theirs-b", mine.get(PushIndex.key("b")).token());
        assertEquals("theirs-c", mine.get(PushIndex.key("c")).token());
    }

    @Test
    void timesRoundTripAtMicrosecondsAndUnparsableOnesHaveNoTime() {
        Instant t = Instant.parse("2024-05-06T07:08:09.123456Z");
        assertEquals(t, PushIndex.instant(PushIndex.micros(t)));
        assertEquals(PushIndex.micros(t), PushIndex.micros("2024-05-06T07:08:09.123456+00:00"));
        assertEquals(PushIndex.NO_TIME, PushIndex.micros("yesterday"));
        assertEquals(PushIndex.NO_TIME, PushIndex.micros(""));
        assertEquals(PushIndex.NO_TIME, PushIndex.micros(42));
        Instant early = Instant.parse("0001-01-01T00:00:00.000001Z");
        assertEquals(early, PushIndex.instant(PushIndex.micros(early)));
        assertArrayEquals(PushIndex.checksum(SUM_B), PushIndex.checksum(SUM_B));
    }
}
