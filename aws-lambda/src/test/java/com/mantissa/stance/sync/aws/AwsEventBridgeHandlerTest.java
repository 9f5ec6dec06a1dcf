package com.mantissa.stance.sync.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.testing.VisibleVectors;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** S3 "Object Created" events through EventBridge, from a spoke bucket on moto into an S3 central on moto. */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class AwsEventBridgeHandlerTest {

    private static MotoServer moto;

    @BeforeAll
    static void startMoto(MotoServer server) {
        moto = server;
    }

    @Test
    void objectCreatedPushesUnderTheEventsAccountWithTheKeyAsIs() {
        // EventBridge does not form-encode keys: "snap:2" arrives as is.
        AwsFixtures.putObject(moto, "stance/findings/snap:2/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));
        String central = AwsFixtures.newS3Central(moto, "central-eb-created");
        // The function runs in the hub account; the event says the object belongs to 123456789012.
        TestContext context = new TestContext("999999999999");
        ScheduledEvent event = EventLoader.loadScheduledEvent("events/eventbridge-object-created.json");

        new EventBridgeHandler(AwsFixtures.env(central)).handleRequest(event, context);

        assertEquals("succeeded", context.invocations().get(0).get("outcome"), context.lines().toString());
        long findings = VisibleVectors.expected().stream().filter(e -> e.kind().equals("finding")).count();
        assertEquals(findings, AwsFixtures.store(central).listRecords("aggregated/findings/").size());
        assertTrue(AwsFixtures.store(central).listRecords("aggregated/findings/").stream()
                .allMatch(k -> k.split("/")[3].equals(AwsFixtures.ACCOUNT)), "records under the event's account");
    }

    @Test
    void securityHubFindingsLandInTheEventsAccountWithTheirStates() {
        String central = AwsFixtures.newS3Central(moto, "central-eb-securityhub");
        TestContext context = new TestContext("999999999999");

        new EventBridgeHandler(AwsFixtures.env(central)).handleRequest(
                EventLoader.loadScheduledEvent("events/eventbridge-securityhub-findings-imported.json"), context);

        assertEquals("succeeded", context.invocations().get(0).get("outcome"), context.lines().toString());
        assertEquals("findings-imported", context.invocations().get(0).get("trigger"));
        StorageAdapter store = AwsFixtures.store(central);
        List<String> findings = store.listRecords("aggregated/findings/");
        assertEquals(2, findings.size(), findings.toString());
        assertTrue(findings.stream().allMatch(k -> k.split("/")[3].equals(AwsFixtures.ACCOUNT)), findings.toString());
        assertEquals(2, store.listRecords("aggregated/assets/").size());
        Map<String, String> statuses = new java.util.TreeMap<>();
        for (String key : findings) {
            Map<String, Object> f = JsonParser.parseObject(new String(store.readRecord(key).orElseThrow().content(),
                    StandardCharsets.UTF_8));
            assertEquals(Checksums.recordChecksum(f), f.get("_checksum"), key);
            statuses.put((String) f.get("rule_id"), f.get("status") + "/" + f.get("severity"));
        }
        assertEquals(Map.of("EC2.19", "open/critical", "S3.5", "resolved/medium"), statuses);
    }

    @Test
    void otherEventBridgeEventsAreIgnored() {
        String central = AwsFixtures.newS3Central(moto, "central-eb-deleted");
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);

        new EventBridgeHandler(AwsFixtures.env(central))
                .handleRequest(EventLoader.loadScheduledEvent("events/eventbridge-object-deleted.json"), context);

        assertTrue(AwsFixtures.store(central).listRecords("").isEmpty());
        assertEquals(1, context.lines().size());
        assertEquals(LogLevel.DEBUG, context.lines().get(0).level());
        assertEquals("ignored", context.invocations().get(0).get("outcome"));
        assertEquals("eventbridge aws.s3 Object Deleted", context.invocations().get(0).get("trigger"));
    }

    @Test
    void configuredAccountIdWinsOverTheEventsAccount() {
        AwsFixtures.putObject(moto, "stance/findings/snap:2/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));
        String central = AwsFixtures.newS3Central(moto, "central-eb-configured");
        Map<String, String> env = Map.of("STANCE_CENTRAL_URI", central, "STANCE_ACCOUNT_ID", "210987654321");

        new EventBridgeHandler(env).handleRequest(
                EventLoader.loadScheduledEvent("events/eventbridge-object-created.json"), new TestContext("999999999999"));

        assertFalse(AwsFixtures.store(central).listRecords("aggregated/findings/").isEmpty());
        assertTrue(AwsFixtures.store(central).listRecords("aggregated/findings/").stream()
                .allMatch(k -> k.split("/")[3].equals("210987654321")), "records under STANCE_ACCOUNT_ID");
    }

    @Test
    void objectCreatedWithoutAnObjectIsRejectedWithOneLineAndNotRetried() {
        String central = AwsFixtures.newS3Central(moto, "central-eb-no-object");
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);
        EventBridgeHandler handler = new EventBridgeHandler(AwsFixtures.env(central));
        ScheduledEvent event = EventLoader.loadScheduledEvent("events/eventbridge-object-created-without-object.json");

        handler.handleRequest(event, context);

        assertEquals(1, context.lines().size(), context.lines().toString());
        assertEquals(LogLevel.ERROR, context.lines().get(0).level());
        assertEquals("failed", context.invocations().get(0).get("outcome"));
        assertTrue(String.valueOf(context.invocations().get(0).get("message")).contains("detail.object"),
                context.lines().toString());
        assertTrue(AwsFixtures.store(central).listRecords("").isEmpty());
    }
}
