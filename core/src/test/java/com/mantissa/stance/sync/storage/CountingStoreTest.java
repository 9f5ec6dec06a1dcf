package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CountingStoreTest {
    @TempDir
    Path root;

    @Test
    void countsEachRequestByKindIncludingFailedOnes() throws Exception {
        CountingStore store = new CountingStore(new LocalStorageAdapter(root));
        byte[] a = "a".getBytes(StandardCharsets.UTF_8);

        String token = store.writeRecord("x/1", a, WriteCondition.IF_ABSENT);
        assertThrows(PreconditionFailedException.class, () -> store.writeRecord("x/1", a, WriteCondition.IF_ABSENT));
        store.writeRecord("x/1", a, WriteCondition.ifMatch(token));
        store.writeRecord("x/2", a);
        store.readRecord("x/1");
        store.readRecord("x/missing");
        try (InputStream in = store.openStream("x/2")) {
            assertEquals('a', in.read());
        }
        store.listRecords("x/");
        store.getMetadata("x/1");
        store.deleteRecord("x/2");

        RequestCounts counts = store.counts();
        assertEquals(new RequestCounts(3, 3, 1, 1, 1, 1), counts);
        assertEquals(10, counts.total());
        assertEquals("10 requests: 3 reads, 3 conditional writes, 1 unconditional write, 1 list, 1 delete, 1 metadata",
                counts.toString());
        assertEquals(20, counts.plus(counts).total());
    }
}
