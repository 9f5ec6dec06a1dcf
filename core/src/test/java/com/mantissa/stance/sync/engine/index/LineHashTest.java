package com.mantissa.stance.sync.engine.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mantissa.stance.sync.model.RecordKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Line hashes are stored in push indexes that outlive a release: the same bytes must give the
 * same hash in every version, or every stored index would miss once. The expected values were
 * taken from the first implementation (byte-by-byte little-endian reads).
 */
class LineHashTest {
    private static void assertHash(RecordKind kind, String line, long hi, long lo) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        assertEquals(new LineHash(hi, lo), LineHash.of(kind, bytes, bytes.length), kind + " " + line);
    }

    @Test
    void hashesAreThoseStoredIndexesHold() {
        assertHash(RecordKind.FINDING, "", 0xccf34d496bc34ba6L, 0x52eaae5b53a82b5fL);
        assertHash(RecordKind.ASSET, "", 0x925790a843bf04d7L, 0x29d1be26be3cda62L);
        assertHash(RecordKind.FINDING, "{", 0x0cc1397a7993433fL, 0x6c4cd91be6862322L);
        assertHash(RecordKind.ASSET, "{", 0x1d6359b7e979e68dL, 0x8d911996c65369beL);
        assertHash(RecordKind.FINDING, "0123456789abcde", 0xce49ab0b21c097b4L, 0x0a8593a847ea9bc4L);
        assertHash(RecordKind.ASSET, "0123456789abcde", 0x10ac263b4f77fd95L, 0x8f4a8a08a3596786L);
        assertHash(RecordKind.FINDING, "0123456789abcdef", 0x33a44220c2cdeb85L, 0x0a9d73fda3adb6b9L);
        assertHash(RecordKind.ASSET, "0123456789abcdef", 0x75a337c56d126098L, 0xa2fd04f441ac5ceeL);
        assertHash(RecordKind.FINDING, "0123456789abcdef0", 0xa4cb78bd39cc9772L, 0xbedc82d0f084ac90L);
        assertHash(RecordKind.ASSET, "0123456789abcdef0", 0x8cfff784712a67a0L, 0xd2ab149b5c96e3bfL);
        String record = "{\"id\": \"finding-1\", \"title\": \"caf\u00e9 \u2603\", \"x\": [1, 2.5, null]}";
        assertHash(RecordKind.FINDING, record, 0x55b30619c7b99e5cL, 0x33dbcf73e5a32fa3L);
        assertHash(RecordKind.ASSET, record, 0x426e9eea3d3fbcbeL, 0x3fe5382c68c18a8aL);
    }

    @Test
    void onlyTheGivenLengthCounts() {
        byte[] longer = "xx0123456789abcdef0123456789abcdefyy".getBytes(StandardCharsets.US_ASCII);
        assertEquals(new LineHash(0x8d65cb9fa3039d77L, 0x6a584a19f265e5d1L), LineHash.of(RecordKind.FINDING, longer, 30));
    }
}
