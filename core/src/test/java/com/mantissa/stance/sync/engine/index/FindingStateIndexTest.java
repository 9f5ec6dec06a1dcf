package com.mantissa.stance.sync.engine.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** What the push index keeps of a finding's status and severity, and how older indexes read. */
class FindingStateIndexTest {
    private static final String ACCOUNT = "123456789012";
    private static final String SUM = "0123456789abcdef".repeat(4);

    @Test
    void everyStatusAndSeverityCodesAndDecodes() {
        for (String status : List.of("open", "resolved", "suppressed", "false_positive")) {
            for (String severity : List.of("critical", "high", "medium", "low", "info")) {
                int code = FindingState.of(Map.of("status", status, "severity", severity));
                assertEquals(status, FindingState.status(code));
                assertEquals(severity, FindingState.severity(code));
            }
        }
        assertEquals(FindingState.UNKNOWN, FindingState.of(Map.of("status", "open")), "no severity: unknown");
        assertEquals(FindingState.UNKNOWN, FindingState.of(Map.of("status", "gone", "severity", "high")));
        assertNull(FindingState.status(0));
        assertEquals(FindingState.UNKNOWN, FindingState.valid(7 | 7 << 3), "codes past the lists are unknown");
    }

    @Test
    void theStateSurvivesAStoreLoadRoundTripBesideTheCountAndTheToken() {
        PushIndex index = new PushIndex(ACCOUNT);
        int critical = FindingState.of(Map.of("status", "resolved", "severity", "critical"));
        LineHash raw = LineHash.of(com.mantissa.stance.sync.model.RecordKind.FINDING, "x".getBytes(), 1);
        index.put(PushIndex.key("f"), new PushIndex.Entry(PushIndex.checksum(SUM), 3, 0, "\"etag\"", 5)
                .withFindingState(critical).withRaw(raw, CountedAs.RESOLVED_FINDING));
        index.put(PushIndex.key("a"), new PushIndex.Entry(PushIndex.checksum(SUM), 1, 0, "\"other\"", 5));

        PushIndex loaded = PushIndex.parse(index.serialize(), ACCOUNT);

        PushIndex.Entry f = loaded.get(PushIndex.key("f"));
        assertEquals(critical, f.findingState());
        assertEquals(CountedAs.RESOLVED_FINDING, f.counted());
        assertEquals("\"etag\"", f.token());
        assertEquals(FindingState.UNKNOWN, loaded.get(PushIndex.key("a")).findingState());
    }

    @Test
    void anIndexOfTheFormatBeforeKnowsNoFindingState() {
        byte[] account = ACCOUNT.getBytes(StandardCharsets.UTF_8);
        byte[] token = "\"etag\"".getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + 2 + account.length + 4 + 16 + 32 + 8 * 5 + 1 + 2 + token.length + 8);
        out.put("STIDX004".getBytes(StandardCharsets.US_ASCII)).putShort((short) account.length).put(account).putInt(1);
        PushIndex.Key key = PushIndex.key("f");
        out.putLong(key.hi()).putLong(key.lo());
        for (long part : PushIndex.checksum(SUM)) {
            out.putLong(part);
        }
        out.putLong(2).putLong(0).putLong(5).putLong(0).putLong(0);
        out.put((byte) CountedAs.OPEN_FINDING.ordinal()).putShort((short) token.length).put(token);
        CRC32 crc = new CRC32();
        crc.update(out.array(), 0, out.position());
        out.putLong(crc.getValue());

        PushIndex.Entry e = PushIndex.parse(out.array(), ACCOUNT).get(key);

        assertEquals(2, e.version());
        assertEquals(CountedAs.OPEN_FINDING, e.counted());
        assertEquals("\"etag\"", e.token());
        assertEquals(FindingState.UNKNOWN, e.findingState());
    }
}
