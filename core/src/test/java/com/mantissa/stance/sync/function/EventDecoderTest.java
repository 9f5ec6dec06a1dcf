package com.mantissa.stance.sync.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.formats.Format;
import com.mantissa.stance.sync.storage.StorageLocation;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventDecoderTest {
    private static final String SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-111122223333";
    private static final String BLOB = "https://acct.blob.core.windows.net/scans/findings/s1/findings.jsonl";

    private static EventDecoder.Work decode(String body) {
        return EventDecoder.message("m", body, null);
    }

    private static FunctionEvent only(EventDecoder.Work work) {
        assertEquals(List.of(), work.sources());
        assertEquals(1, work.events().size(), work.events().toString());
        return work.events().get(0);
    }

    @Test
    void aSourceMessageRoundTrips() {
        SourceSpec source = new SourceSpec(StorageLocation.parse("gs://spoke/stance"), "my-project", "gcp");
        EventDecoder.Work work = decode(WorkMessages.source(source, 3));
        assertEquals(List.of(new EventDecoder.SourcePush(source, 3)).toString(), work.sources().toString());
        assertEquals(List.of(), work.events());
        assertTrue(EventDecoder.isSourceMessage(WorkMessages.source(source, 0)));
        assertTrue(!EventDecoder.isSourceMessage("not json"));
    }

    /** A poison source message is that message's one error, never an exception out of the decoder. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"stance_sync\": \"source\", \"location\": \"s3://spoke/stance\", \"account\": \"../../x\", \"provider\": \"aws\"}",
        "{\"stance_sync\": \"source\", \"location\": \"s3://spoke/stance\", \"account\": \"1\", \"provider\": \"oracle\"}",
        "{\"stance_sync\": \"source\", \"location\": \"nowhere://x\", \"account\": \"1\", \"provider\": \"aws\"}",
        "{\"stance_sync\": \"source\", \"location\": \"s3://spoke\", \"account\": \"1\", \"continuation\": -1}",
        "{\"stance_sync\": \"source\", \"location\": \"s3://spoke\", \"account\": \"1\", \"continuation\": \"2\"}",
        "{\"stance_sync\": \"source\", \"account\": \"1\"}",
        "{\"stance_sync\": \"sources\", \"location\": \"s3://spoke\", \"account\": \"1\"}"})
    void aBadSourceMessageIsOneMalformedEvent(String body) {
        FunctionEvent event = only(decode(body));
        assertEquals(FunctionEvent.Type.MALFORMED, event.type(), event.toString());
        assertEquals("m", event.id());
        assertEquals("message m", event.object());
    }

    @Test
    void aSourceMessageCarriesItsFormat() {
        SourceSpec source = new SourceSpec(StorageLocation.parse("s3://spoke/prowler"), "111122223333", "aws",
                Format.OCSF);
        String message = WorkMessages.source(source, 0);
        assertTrue(message.contains("\"format\": \"ocsf\""), message);
        assertEquals(List.of(new EventDecoder.SourcePush(source, 0)), decode(message).sources());
        assertEquals(FunctionEvent.Type.MALFORMED, only(decode(
                "{\"stance_sync\": \"source\", \"location\": \"s3://s\", \"account\": \"1\", \"format\": \"csv\"}")).type());
    }

    @Test
    void theProviderDefaultsToTheLocationsCloud() {
        EventDecoder.Work work = decode("{\"stance_sync\": \"source\", \"location\": \"az://acct/scans\", \"account\": \"sub\"}");
        assertEquals("azure", work.sources().get(0).source().provider());
        assertEquals(0, work.sources().get(0).continuation());
    }

    @Test
    void anS3NotificationNamesEveryCreatedObjectWithItsKeyDecoded() {
        String body = "{\"Records\": [{\"eventSource\": \"aws:s3\", \"eventName\": \"ObjectCreated:Put\", \"s3\": "
                + "{\"bucket\": {\"name\": \"spoke\"}, \"object\": {\"key\": \"stance/findings/2026+11%2F30/findings.jsonl\"}}},"
                + "{\"eventSource\": \"aws:s3\", \"eventName\": \"ObjectRemoved:Delete\", \"s3\": "
                + "{\"bucket\": {\"name\": \"spoke\"}, \"object\": {\"key\": \"x\"}}}]}";
        assertEquals(List.of(FunctionEvent.objectCreated("m", "s3://spoke/stance/findings/2026 11/30/findings.jsonl", "999"),
                        FunctionEvent.ignored("m", "s3://spoke/x", "s3 ObjectRemoved:Delete")),
                EventDecoder.message("m", body, "999").events());
    }

    /** One set of names: a notification record says ObjectCreated:Put; s3:ObjectCreated:* only appears in configurations. */
    @ParameterizedTest
    @ValueSource(strings = {"ObjectCreated:Put", "ObjectCreated:CompleteMultipartUpload", "s3:ObjectCreated:Put",
        "ObjectRemoved:Delete", "ObjectRestore:Completed"})
    void theS3EventNamesThatCountAreTheSameForEveryEntryPoint(String name) {
        boolean created = name.startsWith("ObjectCreated:");
        String record = "{\"eventName\": \"" + name + "\", \"s3\": {\"bucket\": {\"name\": \"b\"}, \"object\": {\"key\": \"k\"}}}";
        FunctionEvent fromBody = only(decode("{\"Records\": [" + record + "]}"));
        FunctionEvent fromLibrary = EventDecoder.s3Record("m", name, "b", "k", null);
        assertEquals(created, fromBody.type() == FunctionEvent.Type.OBJECT_CREATED, fromBody.toString());
        assertEquals(fromBody, fromLibrary);
    }

    @Test
    void theS3TestEventIsIgnored() {
        FunctionEvent event = only(decode("{\"Service\": \"Amazon S3\", \"Event\": \"s3:TestEvent\", "
                + "\"Time\": \"2026-11-30T10:00:00.000Z\", \"Bucket\": \"spoke\"}"));
        assertEquals(FunctionEvent.ignored("m", "message m", "s3:TestEvent"), event);
    }

    @Test
    void anEventBridgeObjectCreatedEventCarriesItsAccount() {
        String body = "{\"version\": \"0\", \"detail-type\": \"Object Created\", \"source\": \"aws.s3\", "
                + "\"account\": \"111122223333\", \"detail\": {\"bucket\": {\"name\": \"spoke\"}, "
                + "\"object\": {\"key\": \"stance/findings/s1/findings.jsonl\"}}}";
        assertEquals(FunctionEvent.objectCreated("m", "s3://spoke/stance/findings/s1/findings.jsonl", "111122223333"),
                only(EventDecoder.message("m", body, "999")));
        assertEquals(FunctionEvent.Type.IGNORED, only(decode(body.replace("Object Created", "Object Deleted"))).type());
        assertEquals(FunctionEvent.Type.IGNORED, only(decode(body.replace("aws.s3", "aws.ec2"))).type());
    }

    @Test
    void anEventGridArrayAndAnSnsEnvelopeAreUnwrapped() {
        String grid = "[{\"eventType\": \"Microsoft.Storage.BlobCreated\", \"topic\": \"/subscriptions/" + SUBSCRIPTION
                + "/resourceGroups/rg\", \"id\": \"e-1\", \"data\": {\"url\": \"" + BLOB + "\"}},"
                + " {\"eventType\": \"Microsoft.Storage.BlobDeleted\", \"data\": {\"url\": \"" + BLOB + "\"}}]";
        assertEquals(List.of(FunctionEvent.objectCreated("m", BLOB, SUBSCRIPTION),
                FunctionEvent.ignored("m", "element of message m", "Microsoft.Storage.BlobDeleted")), decode(grid).events());
        String sns = "{\"Type\": \"Notification\", \"Message\": \"{\\\"Event\\\": \\\"s3:TestEvent\\\"}\"}";
        assertEquals(FunctionEvent.Type.IGNORED, only(decode(sns)).type());
    }

    /** Event Grid posts one event in the CloudEvents schema (type, source) as readily as in its own. */
    @Test
    void azuresSingleCloudEventsSchemaEventIsWork() {
        String event = "{\"specversion\": \"1.0\", \"type\": \"Microsoft.Storage.BlobCreated\", "
                + "\"source\": \"/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg/providers/"
                + "Microsoft.Storage/storageAccounts/acct\", \"id\": \"e-1\", \"data\": {\"url\": \"" + BLOB + "\"}}";
        assertEquals(FunctionEvent.objectCreated("m", BLOB, SUBSCRIPTION), only(decode(event)));
        assertEquals(List.of(FunctionEvent.objectCreated("e-1", BLOB, SUBSCRIPTION)), EventDecoder.eventGrid(event, null));
        assertEquals(EventDecoder.eventGrid(event, null), EventDecoder.eventGrid("[" + event + "]", null));
    }

    @Test
    void gcsNotificationsAndFinalizedCloudEventsAreTheSameObject() {
        String object = "{\"kind\": \"storage#object\", \"bucket\": \"spoke\", \"name\": \"stance/findings/s1/findings.jsonl\"}";
        FunctionEvent expected = FunctionEvent.objectCreated("m", "gs://spoke/stance/findings/s1/findings.jsonl", "proj");
        assertEquals(expected, only(EventDecoder.message("m", object, "proj")));
        assertEquals(expected, EventDecoder.cloudEvent("m", EventDecoder.GCS_FINALIZED,
                "//storage.googleapis.com/projects/_/buckets/spoke", object, "proj"));
        assertEquals(FunctionEvent.Type.IGNORED, EventDecoder.cloudEvent("m", "google.cloud.storage.object.v1.deleted",
                "//storage.googleapis.com/projects/_/buckets/spoke", object, "proj").type());
        String structured = "{\"specversion\": \"1.0\", \"type\": \"" + EventDecoder.GCS_FINALIZED + "\", \"id\": \"e\", "
                + "\"source\": \"//storage.googleapis.com/projects/_/buckets/spoke\", \"data\": " + object + "}";
        assertEquals(expected, only(EventDecoder.message("m", structured, "proj")));
    }

    @Test
    void aPubSubNotificationOfADeletionIsIgnored() {
        String data = Base64.getEncoder().encodeToString("{\"kind\": \"storage#object\"}".getBytes(StandardCharsets.UTF_8));
        String published = "{\"message\": {\"data\": \"" + data + "\", \"messageId\": \"p-1\", \"attributes\": "
                + "{\"eventType\": \"OBJECT_DELETE\", \"bucketId\": \"spoke\"}}}";
        EventDecoder.PubSubMessage message = EventDecoder.pubSubMessage("e", EventJson.parse(published));
        assertEquals(new EventDecoder.PubSubMessage("p-1", "{\"kind\": \"storage#object\"}", "gcs OBJECT_DELETE"), message);
        assertEquals(null, EventDecoder.pubSubMessage("e", EventJson.parse(published.replace("OBJECT_DELETE",
                "OBJECT_FINALIZE"))).ignoredBecause());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "{\"Records\": []}"})
    void aMessageWithoutEventsIsIgnoredWithItsLine(String body) {
        assertEquals(FunctionEvent.ignored("m", "message m", "no events"), only(decode(body)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\": 1}", "not json", "42", "{\"Records\": [{\"eventName\": \"ObjectCreated:Put\", \"s3\": {}}]}",
        "{\"eventType\": \"Microsoft.Storage.BlobCreated\", \"data\": {}}", "{\"kind\": \"storage#object\", \"bucket\": \"b\"}",
        "{\"detail-type\": \"Object Created\", \"source\": \"aws.s3\", \"detail\": {\"bucket\": {\"name\": \"b\"}}}"})
    void anythingElseIsOneMalformedEventNamingWhatIsWrong(String body) {
        FunctionEvent event = only(decode(body));
        assertEquals(FunctionEvent.Type.MALFORMED, event.type(), event.toString());
        assertTrue(event.reason() != null && !event.reason().isBlank());
    }
}
