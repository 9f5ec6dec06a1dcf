package com.mantissa.stance.sync.function;

import static com.mantissa.stance.sync.formats.ProducerDocuments.ACCOUNT;
import static com.mantissa.stance.sync.formats.ProducerDocuments.asff;
import static com.mantissa.stance.sync.formats.ProducerDocuments.detection;
import static com.mantissa.stance.sync.formats.ProducerDocuments.json;
import static com.mantissa.stance.sync.formats.ProducerDocuments.map;
import static com.mantissa.stance.sync.formats.ProducerDocuments.pretty;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.testing.MemoryStore;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The same producer documents through a file source (an object-created event for
 * {@code *.asff.json} / {@code *.ocsf.json}) and through an event source (Security Hub's
 * EventBridge events, one finding each, as Security Hub sends them): both land the same central
 * records, each status and severity as the mapping says, each with a verifying checksum, and the
 * one finding of another account is one error naming its element, field and value. An event
 * source never resolves anything and writes no account status.
 */
class ProducerSourcesTest {
    private static final String ARN = "arn:aws:securityhub:eu-west-1:111122223333:finding/";

    private final MemoryStore spoke = new MemoryStore();

    /** ASFF findings in every workflow and record state, every severity label, and one of another account. */
    @SuppressWarnings("unchecked") // the nested maps this class itself built
    private static Map<String, Map<String, Object>> securityHubFindings() {
        Map<String, Map<String, Object>> byExpected = new LinkedHashMap<>();
        byExpected.put("open/high", asff(ARN + "new"));
        Map<String, Object> archived = asff(ARN + "archived");
        archived.put("RecordState", "ARCHIVED");
        archived.put("Workflow", map("Status", "SUPPRESSED"));
        byExpected.put("resolved/high archived", archived);
        Map<String, Object> suppressed = asff(ARN + "suppressed");
        suppressed.put("Workflow", map("Status", "SUPPRESSED"));
        byExpected.put("suppressed/high", suppressed);
        Map<String, Object> resolved = asff(ARN + "resolved");
        resolved.put("Workflow", map("Status", "RESOLVED"));
        byExpected.put("resolved/high workflow", resolved);
        Map<String, Object> passed = asff(ARN + "passed");
        ((Map<String, Object>) passed.get("Compliance")).put("Status", "PASSED");
        passed.put("Workflow", map("Status", "NOTIFIED"));
        byExpected.put("resolved/high passed", passed);
        for (String label : List.of("INFORMATIONAL", "LOW", "MEDIUM", "CRITICAL")) {
            Map<String, Object> f = asff(ARN + label.toLowerCase());
            f.put("Severity", map("Label", label));
            f.put("Workflow", map("Status", "NOTIFIED"));
            byExpected.put("open/" + (label.equals("INFORMATIONAL") ? "info" : label.toLowerCase()), f);
        }
        Map<String, Object> foreign = asff(ARN + "foreign");
        foreign.put("AwsAccountId", "999988887777");
        byExpected.put("error", foreign);
        return byExpected;
    }

    private static String securityHubEvent(String id, String detailType, Map<String, Object> finding) {
        return json(map("version", "0", "id", id, "detail-type", detailType, "source", "aws.securityhub",
                "account", ACCOUNT, "time", "2026-01-03T09:30:02Z", "region", "eu-west-1",
                "resources", List.of(finding.getOrDefault("Id", "r")), "detail", map("findings", List.of(finding))));
    }

    private SyncFunction function(MemoryStore central, Map<String, String> more) {
        Map<String, String> env = new LinkedHashMap<>(more);
        env.put(FunctionSettings.CENTRAL_URI, "s3://central");
        return new SyncFunction(FunctionSettings.fromEnvironment(env), null,
                (StorageLocation location) -> location.bucketName().equals("central") ? central : spokeStore(location));
    }

    private StorageAdapter spokeStore(StorageLocation location) {
        assertEquals("spoke", location.bucketName());
        return spoke;
    }

    /** The findings central holds, by id: each with a verifying checksum. */
    private static Map<String, Map<String, Object>> findings(MemoryStore central) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        central.contents().forEach((key, content) -> {
            if (key.startsWith("aggregated/findings/")) {
                Map<String, Object> record = JsonParser.parseObject(new String(content, StandardCharsets.UTF_8));
                assertEquals(Checksums.recordChecksum(record), record.get("_checksum"), key);
                record.remove("_synced_at");
                record.remove("_checksum");
                out.put((String) record.get("id"), record);
            }
        });
        return out;
    }

    private static LogEntry only(BatchOutcome outcome) {
        assertEquals(1, outcome.entries().size(), outcome.entries().toString());
        return outcome.entries().get(0);
    }

    @Test
    void securityHubFindingsLandTheSameFromAFileAndFromEvents() {
        Map<String, Map<String, Object>> documents = securityHubFindings();
        spoke.writeRecord("exports/securityhub.asff.json", pretty(map("Findings", new ArrayList<>(documents.values())))
                .getBytes(StandardCharsets.UTF_8));
        MemoryStore fromFile = new MemoryStore();
        LogEntry file = only(function(fromFile, Map.of()).handle(List.of(FunctionEvent.objectCreated("1",
                "s3://spoke/exports/securityhub.asff.json", ACCOUNT))));

        MemoryStore fromEvents = new MemoryStore();
        List<FunctionEvent> events = new ArrayList<>();
        int n = 0;
        for (Map<String, Object> finding : documents.values()) {
            events.addAll(EventDecoder.message("m" + n, securityHubEvent("e" + n++, "Security Hub Findings - Imported",
                    finding), null).events());
        }
        assertTrue(events.stream().allMatch(e -> e.type() == FunctionEvent.Type.FINDINGS_IMPORTED), events.toString());
        LogEntry event = only(function(fromEvents, Map.of()).handle(events));

        for (LogEntry entry : List.of(file, event)) {
            assertEquals(ACCOUNT, entry.account());
            assertEquals(1, entry.result().errors().size(), entry.toJson());
            assertTrue(entry.result().errors().get(0).contains("AwsAccountId '999988887777': names another account"),
                    entry.result().errors().get(0));
        }
        assertTrue(file.result().errors().get(0).startsWith("exports/securityhub.asff.json element 10 (line "),
                file.result().errors().get(0));
        assertTrue(event.result().errors().get(0).startsWith("securityhub event m9 element 1 (line 1)"),
                event.result().errors().get(0));

        Map<String, Map<String, Object>> landed = findings(fromFile);
        assertEquals(landed, findings(fromEvents));
        documents.forEach((expected, document) -> {
            Map<String, Object> f = landed.get((String) document.get("Id"));
            if (expected.equals("error")) {
                assertEquals(null, f);
            } else {
                assertEquals(expected.split(" ")[0], f.get("status") + "/" + f.get("severity"), expected);
            }
        });
        assertEquals(1, fromEvents.contents().keySet().stream().filter(k -> k.startsWith("aggregated/assets/")).count());
    }

    @Test
    void prowlerFindingsLandTheSameFromAFileAndFromSecurityHubsOcsfEvents() {
        Map<String, Object> manual = detection("uid-2", "iam_root_hardware_mfa", "arn:aws:iam::111122223333:root");
        manual.put("status_code", "MANUAL");
        Map<String, Object> muted = detection("uid-3", "s3_bucket_public_read", "arn:aws:s3:::muted");
        muted.put("status", "Suppressed");
        List<Map<String, Object>> documents = List.of(detection("uid-1", "s3_bucket_public_read",
                "arn:aws:s3:::example-logs"), manual, muted);
        spoke.writeRecord("prowler/output.ocsf.json", pretty(documents).getBytes(StandardCharsets.UTF_8));
        MemoryStore fromFile = new MemoryStore();
        LogEntry file = only(function(fromFile, Map.of()).handle(List.of(FunctionEvent.objectCreated("1",
                "s3://spoke/prowler/output.ocsf.json", ACCOUNT))));

        MemoryStore fromEvents = new MemoryStore();
        List<FunctionEvent> events = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            events.addAll(EventDecoder.message("m" + i, securityHubEvent("e" + i, "Findings Imported V2",
                    documents.get(i)), null).events());
        }
        LogEntry event = only(function(fromEvents, Map.of()).handle(events));

        for (LogEntry entry : List.of(file, event)) {
            assertTrue(entry.result().success(), entry.toJson());
            assertEquals(1, entry.result().warnings().size(), entry.result().warnings().toString());
            assertTrue(entry.result().warnings().get(0).contains("status_code MANUAL"), entry.result().warnings().get(0));
        }
        Map<String, Map<String, Object>> landed = findings(fromFile);
        assertEquals(landed, findings(fromEvents));
        assertEquals("open/high", landed.get("uid-1").get("status") + "/" + landed.get("uid-1").get("severity"));
        assertEquals("open/info", landed.get("uid-2").get("status") + "/" + landed.get("uid-2").get("severity"));
        assertEquals("suppressed", landed.get("uid-3").get("status"));
    }

    @Test
    void anEventNeverResolvesAndWritesNoAccountStatus() {
        MemoryStore central = new MemoryStore();
        SyncFunction function = function(central, Map.of(LifecycleSettings.RESOLVE_MISSING, "true",
                LifecycleSettings.RESOLVE_MAX_SHARE, "1"));
        spoke.writeRecord("exports/first.asff.json", pretty(List.of(asff(ARN + "a"), asff(ARN + "b")))
                .getBytes(StandardCharsets.UTF_8));
        assertTrue(only(function.handle(List.of(FunctionEvent.objectCreated("1", "s3://spoke/exports/first.asff.json",
                ACCOUNT)))).result().success());
        List<String> stateBefore = central.contents().keySet().stream().filter(k -> k.contains("/_state/")).sorted()
                .toList();

        LogEntry entry = only(function.handle(EventDecoder.message("m", securityHubEvent("e", "Security Hub Findings"
                + " - Imported", asff(ARN + "c")), null).events()));

        assertTrue(entry.result().success(), entry.toJson());
        assertEquals("findings-imported", entry.trigger());
        Map<String, Map<String, Object>> landed = findings(central);
        assertEquals(List.of("open", "open", "open"), landed.values().stream().map(f -> f.get("status")).toList());
        List<String> stateAfter = central.contents().keySet().stream().filter(k -> k.contains("/_state/")).sorted()
                .toList();
        assertEquals(stateBefore, stateAfter, "only the push index is rewritten; no status object is added");
        assertFalse(stateAfter.isEmpty());
    }

    @Test
    void anEventWithoutFindingsIsMalformedAndOtherSecurityHubEventsAreIgnored() {
        FunctionEvent missing = EventDecoder.message("m", "{\"detail-type\": \"Security Hub Findings - Imported\", "
                + "\"source\": \"aws.securityhub\", \"account\": \"" + ACCOUNT + "\", \"detail\": {}}", null).events().get(0);
        assertEquals(FunctionEvent.Type.MALFORMED, missing.type());
        FunctionEvent insight = EventDecoder.message("m", "{\"detail-type\": \"Security Hub Insight Results\", "
                + "\"source\": \"aws.securityhub\", \"detail\": {}}", null).events().get(0);
        assertEquals(FunctionEvent.Type.IGNORED, insight.type());
    }
}
