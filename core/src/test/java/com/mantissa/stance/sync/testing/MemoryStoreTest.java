package com.mantissa.stance.sync.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.mantissa.stance.sync.storage.PreconditionFailedException;
import com.mantissa.stance.sync.storage.WriteCondition;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryStoreTest {

    @Test
    void conditionalWritesFollowTheStoreContract() {
        MemoryStore store = new MemoryStore();
        String first = store.writeRecord("a", new byte[] {1}, WriteCondition.IF_ABSENT);

        assertThrows(PreconditionFailedException.class, () -> store.writeRecord("a", new byte[] {2}, WriteCondition.IF_ABSENT));
        String second = store.writeRecord("a", new byte[] {3}, WriteCondition.ifMatch(first));
        assertThrows(PreconditionFailedException.class, () -> store.writeRecord("a", new byte[] {4}, WriteCondition.ifMatch(first)));
        assertThrows(PreconditionFailedException.class, () -> store.writeRecord("b", new byte[] {5}, WriteCondition.ifMatch(first)));

        assertEquals(second, store.readRecord("a").orElseThrow().versionToken());
        assertEquals(List.of("a"), store.listRecords(""));
    }

    @Test
    void aForgetfulStoreKeepsSizesTokensAndTheIndexButNotRecords() {
        MemoryStore store = new MemoryStore(false);
        String token = store.writeRecord("aggregated/findings/x.json", new byte[100]);
        store.writeRecord("aggregated/_state/index.json", new byte[] {'{', '}'});

        assertEquals(100, store.getMetadata("aggregated/findings/x.json").orElseThrow().size());
        assertEquals(token, store.getMetadata("aggregated/findings/x.json").orElseThrow().etag());
        assertThrows(IllegalStateException.class, () -> store.readRecord("aggregated/findings/x.json"));
        assertEquals(List.of("aggregated/_state/index.json"), List.copyOf(store.contents().keySet()));
        assertEquals(5, store.requests(), "two writes, two metadata calls, one read");
    }

    @Test
    void versionTokensAreShapedLikeAnS3Etag() {
        for (long version : new long[] {1, 15, 16, 255, 4096, 123456789L, Long.MAX_VALUE, -1}) {
            assertEquals(String.format("\"%032x\"", version), MemoryStore.etag(version));
        }
    }
}
