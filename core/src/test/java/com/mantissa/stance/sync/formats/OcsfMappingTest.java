package com.mantissa.stance.sync.formats;

import static com.mantissa.stance.sync.formats.ProducerDocuments.ACCOUNT;
import static com.mantissa.stance.sync.formats.ProducerDocuments.assets;
import static com.mantissa.stance.sync.formats.ProducerDocuments.copy;
import static com.mantissa.stance.sync.formats.ProducerDocuments.detection;
import static com.mantissa.stance.sync.formats.ProducerDocuments.error;
import static com.mantissa.stance.sync.formats.ProducerDocuments.finding;
import static com.mantissa.stance.sync.formats.ProducerDocuments.findings;
import static com.mantissa.stance.sync.formats.ProducerDocuments.map;
import static com.mantissa.stance.sync.formats.ProducerDocuments.pretty;
import static com.mantissa.stance.sync.formats.ProducerDocuments.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.Asset;
import com.mantissa.stance.sync.model.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OcsfMappingTest {
    private static final String BUCKET = "arn:aws:s3:::example-logs";

    @Test
    void aDetectionFindingMapsEveryField() {
        Map<String, Object> f = finding(detection("prowler-aws-s3_bucket_public_read-111122223333-eu-west-1-example-logs",
                "s3_bucket_public_read", BUCKET));
        assertEquals(map("id", "prowler-aws-s3_bucket_public_read-111122223333-eu-west-1-example-logs",
                "asset_id", BUCKET,
                "severity", "high",
                "status", "open",
                "title", "Public read access on an S3 bucket",
                "description", "Anyone on the internet can list and read the bucket's objects.",
                "first_seen", "2026-01-01T10:00:00.250000+00:00",
                "last_seen", "2026-01-01T10:00:00.250000+00:00",
                "rule_id", "s3_bucket_public_read",
                "compliance_frameworks", List.of("CIS-3.0 2.1.4", "ISO27001-2022 A.8.3", "ISO27001-2022 A.8.4"),
                "remediation_guidance", "Turn on Block Public Access for the bucket."), f);
        // The raw map is what a Stance scan line gives: the model takes it as it is.
        Map<String, Object> normalised = Finding.normalise(f);
        assertEquals("misconfiguration", normalised.get("finding_type"));
        assertEquals(null, normalised.get("cve_id"));
    }

    @Test
    void eachResourceBecomesAnAssetWithRegionTypeNameAndTags() {
        Map<String, Object> e = detection("u-1", "s3_bucket_public_read", BUCKET);
        @SuppressWarnings("unchecked")
        List<Object> resources = (List<Object>) e.get("resources");
        resources.add(map("uid", "arn:aws:kms:eu-west-1:111122223333:key/k-1", "type", "AwsKmsKey"));
        List<ProducerRecord> records = read(pretty(List.of(e)));
        List<ProducerRecord> assets = assets(records);
        assertEquals(2, assets.size());
        assertEquals(map("id", BUCKET, "region", "eu-west-1", "resource_type", "AwsS3Bucket", "name", "example-logs",
                "tags", map("env", "test"), "last_seen", "2026-01-01T10:00:00.250000+00:00",
                "cloud_provider", "aws", "account_id", ACCOUNT), assets.get(0).raw());
        // No region on the resource: the event's cloud.region.
        assertEquals("eu-west-1", assets.get(1).raw().get("region"));
        assertEquals("AwsKmsKey", assets.get(1).raw().get("resource_type"));
        Asset.normalise(assets.get(0).raw());
    }

    @Test
    void aResourceSeenAgainInTheFileIsOneAsset() {
        List<ProducerRecord> records = read(pretty(List.of(detection("u-1", "check_a", BUCKET),
                detection("u-2", "check_b", BUCKET), detection("u-3", "check_c", "arn:aws:s3:::other"))));
        assertEquals(3, findings(records).size());
        assertEquals(List.of(BUCKET, "arn:aws:s3:::other"),
                assets(records).stream().map(r -> r.raw().get("id")).toList());
    }

    @ParameterizedTest
    @CsvSource({"0,Unknown,info,true", "1,Informational,info,false", "2,Low,low,false", "3,Medium,medium,false",
            "4,High,high,false", "5,Critical,critical,false", "6,Fatal,critical,false", "99,Other,info,true"})
    void everySeverity(long id, String caption, String expected, boolean warned) {
        Map<String, Object> byId = detection("u", "c", BUCKET);
        byId.put("severity_id", id);
        byId.remove("severity");
        ProducerRecord r = findings(read(pretty(List.of(byId)))).get(0);
        assertEquals(expected, r.raw().get("severity"));
        assertEquals(warned, r.warnings().stream().anyMatch(w -> w.contains("mapped to info")), r.warnings().toString());

        Map<String, Object> byCaption = detection("u", "c", BUCKET);
        byCaption.remove("severity_id");
        byCaption.put("severity", caption);
        assertEquals(expected, finding(byCaption).get("severity"));
    }

    @Test
    void anUnknownSeverityValueIsAnError() {
        Map<String, Object> e = detection("u", "c", BUCKET);
        e.put("severity_id", 7L);
        assertTrue(error(e).endsWith("severity_id 7: expected 0-6 or 99"), error(e));
        e.remove("severity_id");
        e.put("severity", "Severe");
        assertTrue(error(e).contains("severity 'Severe': expected Informational"), error(e));
    }

    @ParameterizedTest
    @CsvSource({"FAIL,1,New,open", "PASS,1,New,resolved", "FAIL,3,Suppressed,suppressed",
            "PASS,3,Suppressed,suppressed", "fail,1,New,open", "FAIL,,Suppressed,suppressed"})
    void everyStatusCode(String code, Long statusId, String status, String expected) {
        Map<String, Object> e = detection("u", "c", BUCKET);
        e.put("status_code", code);
        e.put("status_id", statusId);
        e.put("status", status);
        assertEquals(expected, finding(e).get("status"));
    }

    @Test
    void aManualResultIsOpenWithSeverityInfoAndAWarning() {
        Map<String, Object> e = detection("u", "c", BUCKET);
        e.put("status_code", "MANUAL");
        ProducerRecord r = findings(read(pretty(List.of(e)))).get(0);
        assertEquals("open", r.raw().get("status"));
        assertEquals("info", r.raw().get("severity"));
        assertEquals(List.of("status_code MANUAL: mapped to open with severity info (was high)"), r.warnings());
        // A muted MANUAL result is suppressed like any muted one.
        e.put("status_id", 3L);
        assertEquals("suppressed", finding(e).get("status"));
    }

    @Test
    void anUnknownStatusCodeIsAnError() {
        Map<String, Object> e = detection("u", "c", BUCKET);
        e.put("status_code", "ERROR");
        assertTrue(error(e).endsWith("status_code 'ERROR': expected FAIL, PASS or MANUAL"), error(e));
    }

    @Test
    void withoutAStatusCodeTheFindingStatusDecides() {
        Map<String, Object> e = detection("u", "c", BUCKET);
        e.remove("status_code");
        for (long id : new long[] {4, 5, 6}) {
            e.put("status_id", id);
            assertEquals("resolved", finding(e).get("status"), "status_id " + id);
        }
        e.put("status_id", 2L);
        assertEquals("open", finding(e).get("status"));
    }

    @ParameterizedTest
    @CsvSource({"1,,resolved", "3,,open", ",Pass,resolved", ",Fail,open"})
    void aComplianceFindingWithoutStatusCodeTakesTheComplianceStatus(Long id, String text, String expected) {
        Map<String, Object> e = complianceFinding();
        e.put("compliance", map("standards", List.of("CIS AWS Foundations 3.0"), "control", "2.1.4",
                "status_id", id, "status", text));
        Map<String, Object> f = finding(e);
        assertEquals(expected, f.get("status"));
        assertEquals(List.of("CIS AWS Foundations 3.0 2.1.4"), f.get("compliance_frameworks"));
        assertEquals("arn:aws:iam::111122223333:root", f.get("asset_id"));
    }

    @Test
    void aComplianceWarningIsTakenAsManual() {
        Map<String, Object> e = complianceFinding();
        e.put("compliance", map("standards", List.of("NIST 800-53"), "status_id", 2L, "status", "Warning"));
        ProducerRecord r = findings(read(pretty(List.of(e)))).get(0);
        assertEquals("open", r.raw().get("status"));
        assertEquals("info", r.raw().get("severity"));
        assertFalse(r.warnings().isEmpty());
    }

    /** Class 2003 with the deprecated single {@code resource} and no status_code. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> complianceFinding() {
        Map<String, Object> e = detection("cf-1", "iam_root_mfa", BUCKET);
        e.put("class_uid", 2003L);
        e.put("class_name", "Compliance Finding");
        e.put("type_uid", 200301L);
        e.remove("status_code");
        e.remove("resources");
        ((Map<String, Object>) e.get("unmapped")).remove("compliance");
        e.put("resource", map("uid", "arn:aws:iam::111122223333:root", "type", "AwsIamUser"));
        return e;
    }

    @Test
    void otherOcsfClassesAreErrors() {
        Map<String, Object> e = detection("u", "c", BUCKET);
        e.put("class_uid", 2002L);
        assertTrue(error(e).endsWith("class_uid 2002: expected 2004 (Detection Finding) or 2003 (Compliance Finding)"),
                error(e));
    }

    @Test
    void timesFromEpochMillisecondsOrSecondsWhenThereIsNoDatetimeText() {
        Map<String, Object> e = detection("u", "c", BUCKET);
        e.remove("time_dt");
        @SuppressWarnings("unchecked")
        Map<String, Object> info = (Map<String, Object>) e.get("finding_info");
        info.remove("created_time_dt");
        info.put("created_time", 1767261600250L); // milliseconds, as OCSF defines
        e.put("time", 1767265200L); // seconds, as Prowler writes
        Map<String, Object> f = finding(e);
        assertEquals("2026-01-01T10:00:00.250000+00:00", f.get("first_seen"));
        assertEquals("2026-01-01T11:00:00+00:00", f.get("last_seen"));
        // first_seen_time / last_seen_time come first when given.
        info.put("first_seen_time_dt", "2025-12-01T00:00:00Z");
        info.put("last_seen_time", 1767268800000L);
        f = finding(e);
        assertEquals("2025-12-01T00:00:00+00:00", f.get("first_seen"));
        assertEquals("2026-01-01T12:00:00+00:00", f.get("last_seen"));
    }

    @Test
    void aTimePythonRefusesIsAnErrorNamingTheField() {
        Map<String, Object> e = detection("u", "c", BUCKET);
        e.put("time_dt", "yesterday");
        assertTrue(error(e).endsWith("time_dt 'yesterday': not a datetime Python's datetime.fromisoformat accepts"),
                error(e));
    }

    @Test
    void vulnerabilityFieldsWhenPresent() {
        Map<String, Object> e = detection("u", "ecr_image_vulnerable", "arn:aws:ecr:eu-west-1:111122223333:repository/app");
        e.put("vulnerabilities", List.of(map("cve", map("uid", "CVE-2025-0001",
                        "cvss", List.of(map("base_score", 9.8, "version", "3.1"))),
                "affected_packages", List.of(map("name", "openssl", "version", "3.0.1", "fixed_in_version", "3.0.9")))));
        Map<String, Object> f = finding(e);
        assertEquals("vulnerability", f.get("finding_type"));
        assertEquals("CVE-2025-0001", f.get("cve_id"));
        assertEquals(9.8, f.get("cvss_score"));
        assertEquals("openssl", f.get("package_name"));
        assertEquals("3.0.1", f.get("installed_version"));
        assertEquals("3.0.9", f.get("fixed_version"));
        // The deprecated packages list serves when affected_packages is missing.
        e.put("vulnerabilities", List.of(map("cve", map("uid", "CVE-2025-0002"),
                "packages", List.of(map("name", "zlib", "version", "1.2.11")))));
        f = finding(e);
        assertEquals("zlib", f.get("package_name"));
        assertFalse(f.containsKey("cvss_score"));
    }

    @Test
    void aPlaceholderUidGivesEveryRecordTheDerivedId() {
        List<Map<String, Object>> docs = List.of(detection("<finding_uid>", "s3_bucket_public_read", BUCKET),
                detection("<finding_uid>", "s3_bucket_versioning", BUCKET));
        List<Object> ids = findings(read(pretty(docs))).stream().map(r -> r.raw().get("id")).toList();
        assertEquals(List.of(FindingIds.derived("prowler", "s3_bucket_public_read", BUCKET),
                FindingIds.derived("prowler", "s3_bucket_versioning", BUCKET)), ids);
        // Pinned: the rule in docs/formats.md, SHA-256 of "prowler\ns3_bucket_public_read\narn:aws:s3:::example-logs".
        assertEquals("prowler-s3_bucket_public_read-3f70d076399504d3f543ac3c01704f81", ids.get(0));
    }

    @Test
    void aUidReusedForAnotherCheckOrResourceGivesTheLaterRecordsTheDerivedId() {
        String uid = "prowler-aws-s3_bucket_public_read-111122223333-eu-west-1-logs";
        List<Map<String, Object>> docs = new ArrayList<>();
        docs.add(detection(uid, "s3_bucket_public_read", "arn:aws:s3:::logs"));
        docs.add(detection(uid, "s3_bucket_public_read", "arn:aws:s3:::logs")); // the same record again
        docs.add(detection(uid, "s3_bucket_public_read", "arn:aws:s3:::logs-eu")); // another resource
        docs.add(detection(uid, "s3_bucket_versioning", "arn:aws:s3:::logs")); // another check
        docs.add(detection("unique-1", "s3_bucket_versioning", "arn:aws:s3:::logs"));
        String text = pretty(docs);
        List<Object> ids = findings(read(text)).stream().map(r -> r.raw().get("id")).toList();
        assertEquals(List.of(uid, uid, FindingIds.derived("prowler", "s3_bucket_public_read", "arn:aws:s3:::logs-eu"),
                FindingIds.derived("prowler", "s3_bucket_versioning", "arn:aws:s3:::logs"), "unique-1"), ids);
        // The same input gives the same ids on every run.
        assertEquals(ids, findings(read(text)).stream().map(r -> r.raw().get("id")).toList());
    }

    @Test
    @SuppressWarnings("unchecked")
    void anotherAccountIsAnErrorButAPlaceholderIsNot() {
        Map<String, Object> other = copy(detection("u-9", "c", BUCKET));
        ((Map<String, Object>) ((Map<String, Object>) other.get("cloud")).get("account")).put("uid", "999988887777");
        Map<String, Object> placeholder = copy(detection("u-8", "c", "arn:aws:s3:::p"));
        ((Map<String, Object>) ((Map<String, Object>) placeholder.get("cloud")).get("account")).put("uid", "<account_uid>");
        List<ProducerRecord> records = read(pretty(List.of(other, placeholder)));
        assertEquals(List.of("prowler.ocsf.json element 1 (line 1): cloud.account.uid '999988887777': names another "
                        + "account than '111122223333', the one this file is pushed for"),
                ProducerDocuments.errors(records).stream().map(ProducerRecord::error).toList());
        assertEquals(List.of("u-8"), findings(records).stream().map(r -> r.raw().get("id")).toList());
        // The rejected element's resource is no asset either.
        assertEquals(List.of("arn:aws:s3:::p"), assets(records).stream().map(r -> r.raw().get("id")).toList());
    }
}
