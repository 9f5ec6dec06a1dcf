package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.mantissa.stance.sync.testing.ForwardingStore;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        assertEquals(RequestCounts.NONE, counts.minus(counts));
    }

    @Test
    void aFileUploadGoesThroughTheStoresOwnStreamingUploadAsOneWrite() throws Exception {
        LocalStorageAdapter folder = new LocalStorageAdapter(root.resolve("store"));
        List<String> streamed = new ArrayList<>();
        CountingStore store = new CountingStore(new StreamingStore(folder, streamed));
        Path file = Files.writeString(root.resolve("export.jsonl"), "{\"id\": \"f-1\"}\n");

        StreamingUpload.upload(store, "scan/findings.jsonl", file);

        assertEquals(List.of("scan/findings.jsonl"), streamed, "not read into one array");
        assertEquals(new RequestCounts(0, 0, 1, 0, 0, 0), store.counts());
        assertEquals("{\"id\": \"f-1\"}\n", new String(folder.readRecord("scan/findings.jsonl").orElseThrow().content(),
                StandardCharsets.UTF_8));
    }

    /** A store with a streaming upload that notes what it streamed. */
    private static final class StreamingStore extends ForwardingStore implements StreamingUpload {
        private final List<String> streamed;

        StreamingStore(StorageAdapter delegate, List<String> streamed) {
            super(delegate);
            this.streamed = streamed;
        }

        @Override
        public String uploadFile(String key, Path file) {
            streamed.add(key);
            return StreamingUpload.upload(delegate, key, file);
        }
    }
}
