package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The in-process transport answers the S3 adapter's calls, through the real SDK client, the way
 * S3 does: what makes a priming push run the same paths as a push to S3.
 */
class InProcessS3TransportTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void conditionalWritesHoldAndFailAsOnS3() {
        try (InProcessS3Transport transport = new InProcessS3Transport()) {
            StorageAdapter store = S3StorageAdapter.inProcess("bucket-a", transport);

            String created = store.writeRecord("a/record.json", bytes("{\"v\":1}"), WriteCondition.IF_ABSENT);
            assertThrows(PreconditionFailedException.class,
                    () -> store.writeRecord("a/record.json", bytes("{\"v\":2}"), WriteCondition.IF_ABSENT));
            assertThrows(PreconditionFailedException.class,
                    () -> store.writeRecord("a/record.json", bytes("{\"v\":2}"), WriteCondition.ifMatch("\"not-it\"")));
            assertThrows(PreconditionFailedException.class,
                    () -> store.writeRecord("a/absent.json", bytes("{}"), WriteCondition.ifMatch(created)));
            String replaced = store.writeRecord("a/record.json", bytes("{\"v\":3}"), WriteCondition.ifMatch(created));

            StoredObject read = store.readRecord("a/record.json").orElseThrow();
            // The SDK sends the body aws-chunked with a checksum trailer; the object is the body alone.
            assertArrayEquals(bytes("{\"v\":3}"), read.content());
            assertEquals(replaced, read.versionToken());
            assertTrue(transport.answered() >= 6, "answered " + transport.answered());
        }
    }

    @Test
    void readsListsAndDeletesAsOnS3() {
        try (InProcessS3Transport transport = new InProcessS3Transport()) {
            StorageAdapter store = S3StorageAdapter.inProcess("bucket-b", transport);
            StorageAdapter other = S3StorageAdapter.inProcess("bucket-c", transport);
            store.writeRecord("x/1.json", bytes("one"), WriteCondition.NONE);
            store.writeRecord("x/2.json", bytes("two"), WriteCondition.NONE);
            store.writeRecord("y/3.json", bytes("three"), WriteCondition.NONE);
            other.writeRecord("x/4.json", bytes("four"), WriteCondition.NONE);

            assertEquals(List.of("x/1.json", "x/2.json"), store.listRecords("x/"));
            assertEquals(3L, store.getMetadata("x/2.json").orElseThrow().size());
            assertTrue(store.readRecord("x/absent.json").isEmpty());
            store.deleteRecord("x/1.json");
            assertEquals(List.of("x/2.json", "y/3.json"), store.listRecords(""));
            assertEquals(List.of("x/4.json"), other.listRecords(""));
        }
    }
}
