package com.mantissa.stance.sync.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The scheduled catch-up over STANCE_SOURCES, on moto. */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class AwsScheduleHandlerTest {

    private static MotoServer moto;

    @BeforeAll
    static void startMoto(MotoServer server) {
        moto = server;
    }

    @Test
    void scheduledCatchupPushesTheLatestSnapshotOfEachSource() {
        AwsFixtures.putVisibleScan(moto, "sched", "20261124-060000");
        AwsFixtures.putObject(moto, "sched/snapshots/manifest.json",
                "{\"snapshots\": [{\"id\": \"20261124-060000\"}, {\"id\": \"20261123-060000\"}]}"
                        .getBytes(StandardCharsets.UTF_8));
        String central = AwsFixtures.newS3Central(moto, "central-schedule");
        TestContext context = new TestContext("999999999999");
        Map<String, String> env = Map.of(
                "STANCE_CENTRAL_URI", central,
                "STANCE_SOURCES", "s3://" + AwsFixtures.SOURCE_BUCKET + "/sched|" + AwsFixtures.ACCOUNT + "|aws");

        new ScheduleHandler(env).handleRequest(EventLoader.loadScheduledEvent("events/scheduled-event.json"), context);

        VisibleVectors.assertCentralMatches(AwsFixtures.store(central));
        Map<String, Object> line = context.invocations().get(0);
        assertEquals("succeeded", line.get("outcome"));
        assertEquals("schedule arn:aws:events:us-east-1:123456789012:rule/stance-sync-catchup", line.get("trigger"));
    }

    @Test
    void aScheduleWithNothingConfiguredIsRejectedAndNotRetried() {
        String central = AwsFixtures.newS3Central(moto, "central-schedule-empty");
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);
        ScheduleHandler handler = new ScheduleHandler(AwsFixtures.env(central));

        handler.handleRequest(EventLoader.loadScheduledEvent("events/scheduled-event.json"), context);

        Map<String, Object> line = context.invocations().get(0);
        assertEquals("failed", line.get("outcome"));
        assertEquals(Boolean.FALSE, line.get("redeliver"));
        assertTrue(String.valueOf(line.get("message")).contains("STANCE_SOURCES"), line.toString());
    }
}
