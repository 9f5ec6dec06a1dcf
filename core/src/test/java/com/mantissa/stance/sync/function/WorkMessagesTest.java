package com.mantissa.stance.sync.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.storage.StorageLocation;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkMessagesTest {

    @Test
    void aSourceMessageRoundTrips() {
        SourceSpec source = new SourceSpec(StorageLocation.parse("gs://spoke/stance"), "my-project", "gcp");
        WorkMessages.Decoded decoded = WorkMessages.decode(WorkMessages.source(source, 3));
        assertEquals(List.of(new WorkMessages.SourceWork(source, 3)).toString(), decoded.work().toString());
    }

    @Test
    void anS3NotificationNamesEveryCreatedObjectWithItsKeyDecoded() {
        String body = "{\"Records\": [{\"eventSource\": \"aws:s3\", \"eventName\": \"ObjectCreated:Put\", \"s3\": "
                + "{\"bucket\": {\"name\": \"spoke\"}, \"object\": {\"key\": \"stance/findings/2026+11%2F30/findings.jsonl\"}}},"
                + "{\"eventSource\": \"aws:s3\", \"eventName\": \"ObjectRemoved:Delete\", \"s3\": "
                + "{\"bucket\": {\"name\": \"spoke\"}, \"object\": {\"key\": \"x\"}}}]}";
        WorkMessages.Decoded decoded = WorkMessages.decode(body);
        assertEquals(List.of(new WorkMessages.ObjectWork("s3://spoke/stance/findings/2026 11/30/findings.jsonl", null)),
                decoded.work());
    }

    @Test
    void theS3TestEventIsIgnored() {
        WorkMessages.Decoded decoded = WorkMessages.decode("{\"Service\": \"Amazon S3\", \"Event\": \"s3:TestEvent\", "
                + "\"Time\": \"2026-11-30T10:00:00.000Z\", \"Bucket\": \"spoke\"}");
        assertTrue(decoded.work().isEmpty());
        assertEquals("s3:TestEvent", decoded.ignoredBecause());
    }

    @Test
    void anEventBridgeObjectCreatedEventCarriesItsAccount() {
        String body = "{\"version\": \"0\", \"detail-type\": \"Object Created\", \"source\": \"aws.s3\", "
                + "\"account\": \"111122223333\", \"detail\": {\"bucket\": {\"name\": \"spoke\"}, "
                + "\"object\": {\"key\": \"stance/findings/s1/findings.jsonl\"}}}";
        assertEquals(List.of(new WorkMessages.ObjectWork("s3://spoke/stance/findings/s1/findings.jsonl", "111122223333")),
                WorkMessages.decode(body).work());
    }

    @Test
    void anEventGridArrayAndAnSnsEnvelopeAreUnwrapped() {
        String grid = "[{\"eventType\": \"Microsoft.Storage.BlobCreated\", \"data\": {\"url\": "
                + "\"https://acct.blob.core.windows.net/scans/findings/s1/findings.jsonl\"}}]";
        assertEquals(1, WorkMessages.decode(grid).work().size());
        String sns = "{\"Type\": \"Notification\", \"Message\": \"{\\\"Event\\\": \\\"s3:TestEvent\\\"}\"}";
        assertEquals("s3:TestEvent", WorkMessages.decode(sns).ignoredBecause());
    }

    @Test
    void anythingElseIsRejectedWithWhatIsAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorkMessages.decode("{\"a\": 1}"));
        assertTrue(e.getMessage().contains("S3 event notification"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WorkMessages.decode("{\"stance_sync\": \"source\"}"));
    }
}
