package com.mantissa.stance.sync.formats;

import static com.mantissa.stance.sync.formats.ProducerDocuments.ACCOUNT;
import static com.mantissa.stance.sync.formats.ProducerDocuments.asff;
import static com.mantissa.stance.sync.formats.ProducerDocuments.assets;
import static com.mantissa.stance.sync.formats.ProducerDocuments.errors;
import static com.mantissa.stance.sync.formats.ProducerDocuments.findings;
import static com.mantissa.stance.sync.formats.ProducerDocuments.jsonLines;
import static com.mantissa.stance.sync.formats.ProducerDocuments.map;
import static com.mantissa.stance.sync.formats.ProducerDocuments.pretty;
import static com.mantissa.stance.sync.formats.ProducerDocuments.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.Finding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AsffMappingTest {
    private static final String ARN = "arn:aws:securityhub:eu-west-1:111122223333:security-control/S3.8/finding/0a1b2c3d";

    private static List<ProducerRecord> readAsff(String text) {
        return read(text, "findings.asff.json", null, ACCOUNT);
    }

    private static Map<String, Object> mapped(Map<String, Object> f) {
        List<ProducerRecord> records = readAsff(pretty(List.of(f)));
        assertEquals(List.of(), errors(records));
        return findings(records).get(0).raw();
    }

    @Test
    void aSecurityHubFindingMapsEveryField() {
        assertEquals(map("id", ARN,
                "asset_id", "arn:aws:s3:::example-data",
                "severity", "high",
                "status", "open",
                "title", "S3 general purpose buckets should block public access",
                "description", "This control checks whether the bucket blocks public access.",
                "first_seen", "2026-01-02T08:00:00+00:00",
                "last_seen", "2026-01-03T09:30:00.500000+00:00",
                "rule_id", "S3.8",
                "compliance_frameworks", List.of("CIS AWS Foundations Benchmark v3.0.0/2.1.4"),
                "remediation_guidance", "Block public access on the bucket."), mapped(asff(ARN)));
        Finding.normalise(mapped(asff(ARN)));
    }

    @Test
    void withoutObservedTimesTheCreatedAndUpdatedTimes() {
        Map<String, Object> f = asff(ARN);
        f.remove("FirstObservedAt");
        f.remove("LastObservedAt");
        Map<String, Object> m = mapped(f);
        assertEquals("2026-01-02T08:00:01+00:00", m.get("first_seen"));
        assertEquals("2026-01-03T09:30:01+00:00", m.get("last_seen"));
    }

    @Test
    void withoutASecurityControlIdTheGeneratorId() {
        Map<String, Object> f = asff(ARN);
        f.put("Compliance", map("Status", "FAILED"));
        f.put("GeneratorId", "prowler-s3_bucket_level_public_access_block");
        assertEquals("prowler-s3_bucket_level_public_access_block", mapped(f).get("rule_id"));
    }

    /** The status precedence: RecordState, then Workflow.Status SUPPRESSED, RESOLVED, then Compliance.Status. */
    @ParameterizedTest
    @CsvSource({
        "ARCHIVED,SUPPRESSED,FAILED,resolved",
        "ARCHIVED,NEW,FAILED,resolved",
        "ACTIVE,SUPPRESSED,PASSED,suppressed",
        "ACTIVE,SUPPRESSED,FAILED,suppressed",
        "ACTIVE,RESOLVED,FAILED,resolved",
        "ACTIVE,NEW,PASSED,resolved",
        "ACTIVE,NOTIFIED,PASSED,resolved",
        "ACTIVE,NEW,FAILED,open",
        "ACTIVE,NOTIFIED,WARNING,open",
        "ACTIVE,NEW,NOT_AVAILABLE,open",
        "ACTIVE,NEW,,open",
        ",,,open"})
    void statusFirstMatchWins(String recordState, String workflow, String compliance, String expected) {
        Map<String, Object> f = asff(ARN);
        f.put("RecordState", recordState);
        f.put("Workflow", workflow == null ? null : map("Status", workflow));
        f.put("Compliance", compliance == null ? null : map("Status", compliance));
        assertEquals(expected, mapped(f).get("status"));
    }

    @ParameterizedTest
    @CsvSource({"INFORMATIONAL,info", "LOW,low", "MEDIUM,medium", "HIGH,high", "CRITICAL,critical"})
    void everySeverityLabel(String label, String expected) {
        Map<String, Object> f = asff(ARN);
        f.put("Severity", map("Label", label));
        assertEquals(expected, mapped(f).get("severity"));
    }

    @ParameterizedTest
    @CsvSource({"0,info", "1,low", "39,low", "40,medium", "69,medium", "70,high", "89,high", "90,critical",
            "100,critical"})
    void withoutALabelTheNormalizedSeverity(long normalized, String expected) {
        Map<String, Object> f = asff(ARN);
        f.put("Severity", map("Normalized", normalized));
        assertEquals(expected, mapped(f).get("severity"));
    }

    @Test
    void anUnknownLabelIsAnError() {
        Map<String, Object> f = asff(ARN);
        f.put("Severity", map("Label", "SEVERE"));
        List<ProducerRecord> errors = errors(readAsff(pretty(List.of(f))));
        assertEquals(List.of("findings.asff.json element 1 (line 1): Severity.Label 'SEVERE': expected "
                + "INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL"), errors.stream().map(ProducerRecord::error).toList());
    }

    @Test
    void vulnerabilityFieldsWhenPresent() {
        Map<String, Object> f = asff(ARN);
        f.put("Vulnerabilities", List.of(map("Id", "CVE-2025-0003", "Cvss", List.of(map("Version", "3.1",
                "BaseScore", 7.5)), "VulnerablePackages", List.of(map("Name", "libxml2", "Version", "2.9.10",
                "FixedInVersion", "2.9.14")))));
        Map<String, Object> m = mapped(f);
        assertEquals("vulnerability", m.get("finding_type"));
        assertEquals("CVE-2025-0003", m.get("cve_id"));
        assertEquals(7.5, m.get("cvss_score"));
        assertEquals("libxml2", m.get("package_name"));
        assertEquals("2.9.10", m.get("installed_version"));
        assertEquals("2.9.14", m.get("fixed_version"));
    }

    @Test
    void resourcesBecomeAssetsWithRegionTypeAndTags() {
        Map<String, Object> f = asff(ARN);
        @SuppressWarnings("unchecked")
        List<Object> resources = (List<Object>) f.get("Resources");
        resources.add(map("Type", "AwsAccount", "Id", "AWS::::Account:111122223333"));
        List<ProducerRecord> assets = assets(readAsff(pretty(List.of(f))));
        assertEquals(map("id", "arn:aws:s3:::example-data", "region", "eu-west-1", "resource_type", "AwsS3Bucket",
                "tags", map("team", "data"), "last_seen", "2026-01-03T09:30:00.500000+00:00", "cloud_provider", "aws",
                "account_id", ACCOUNT), assets.get(0).raw());
        // No Region on the resource: the finding's.
        assertEquals(map("id", "AWS::::Account:111122223333", "region", "eu-west-1", "resource_type", "AwsAccount",
                "last_seen", "2026-01-03T09:30:00.500000+00:00", "cloud_provider", "aws", "account_id", ACCOUNT),
                assets.get(1).raw());
    }

    @Test
    void getFindingsOutputAPlainArrayJsonLinesAndAnEventBridgeEventGiveTheSameRecords() {
        Map<String, Object> a = asff(ARN);
        Map<String, Object> b = asff(ARN + "-2");
        b.put("Workflow", map("Status", "SUPPRESSED"));
        List<ProducerRecord> plain = readAsff(pretty(List.of(a, b)));
        List<ProducerRecord> getFindings = readAsff(pretty(map("Findings", List.of(a, b), "NextToken", "abc")));
        List<ProducerRecord> event = readAsff(pretty(map("version", "0", "id", "6f2c8e31-0000-4000-8000-000000000001",
                "detail-type", "Security Hub Findings - Imported", "source", "aws.securityhub", "account", ACCOUNT,
                "time", "2026-01-03T09:30:02Z", "region", "eu-west-1", "resources", List.of(ARN),
                "detail", map("findings", List.of(a, b)))));
        List<ProducerRecord> lines = readAsff(jsonLines(List.of(a, b)));
        List<ProducerRecord> compactEvent = readAsff(ProducerDocuments.json(map("detail-type",
                "Security Hub Findings - Imported", "detail", map("findings", List.of(a, b)))) + "\n");
        for (List<ProducerRecord> records : List.of(plain, getFindings, event, lines, compactEvent)) {
            assertEquals(List.of(), errors(records));
            assertEquals(List.of(ARN, ARN + "-2"), findings(records).stream().map(r -> r.raw().get("id")).toList());
            assertEquals(List.of("open", "suppressed"),
                    findings(records).stream().map(r -> r.raw().get("status")).toList());
            assertEquals(1, assets(records).size());
            assertEquals(findings(plain).get(1).raw(), findings(records).get(1).raw());
        }
        assertEquals(List.of(1, 2), findings(event).stream().map(ProducerRecord::index).toList());
    }

    @Test
    void anotherAwsAccountIdIsAnError() {
        Map<String, Object> f = asff(ARN);
        f.put("AwsAccountId", "444455556666");
        Map<String, Object> g = asff(ARN + "-anon");
        g.put("AwsAccountId", "<account_uid>");
        List<ProducerRecord> records = readAsff(pretty(List.of(f, g)));
        assertEquals(1, errors(records).size());
        assertTrue(errors(records).get(0).error().endsWith("AwsAccountId '444455556666': names another account than "
                + "'111122223333', the one this file is pushed for"), errors(records).get(0).error());
        assertEquals(List.of(ARN + "-anon"), findings(records).stream().map(r -> r.raw().get("id")).toList());
    }
}
