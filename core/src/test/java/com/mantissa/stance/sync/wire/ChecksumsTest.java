package com.mantissa.stance.sync.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChecksumsTest {

    @Test
    void checksumIgnoresUnderscoreKeysAndKeyOrder() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", "x");
        a.put("n", 1L);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("_synced_at", "2024-01-01T00:00:00");
        b.put("n", 1L);
        b.put("id", "x");
        b.put("_checksum", "whatever");
        assertEquals(Checksums.recordChecksum(a), Checksums.recordChecksum(b));
        // hashlib.sha256(json.dumps({"id": "x", "n": 1}, sort_keys=True).encode()).hexdigest()
        assertEquals("e2bf035db3bc4086e25180f7dd1ba05fc16296c9a302c56b71c490be3b4914fc", Checksums.recordChecksum(a));
    }

    @Test
    void checksumDistinguishesIntFromFloat() {
        assertNotEquals(Checksums.recordChecksum(Map.of("s", 10L)), Checksums.recordChecksum(Map.of("s", 10.0)));
    }

    @Test
    void md5HexIsLowerCaseOverUtf8() {
        assertEquals("d41d8cd98f00b204e9800998ecf8427e", Checksums.md5Hex(""));
        assertEquals("66ddcd97cfdeabb2f6fb8a999b4bc76f", Checksums.md5Hex("\u00e9"));
    }
}
