package com.mantissa.stance.sync.formats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Producer documents written for these tests from the public OCSF 1.x schema (Detection Finding,
 * Compliance Finding) and the AWS Security Finding Format; the values are made up.
 */
public final class ProducerDocuments {
    public static final String ACCOUNT = "111122223333";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ProducerDocuments() {
    }

    /** A Prowler-style Detection Finding: FAIL, High, one S3 bucket, two frameworks. */
    public static Map<String, Object> detection(String uid, String check, String resourceUid) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("message", "Bucket example-logs allows public reads.");
        e.put("metadata", map("event_code", check, "product", map("name", "Prowler", "uid", "prowler",
                "vendor_name", "Prowler", "version", "5.1.0"), "profiles", List.of("cloud", "datetime"),
                "version", "1.4.0"));
        e.put("severity_id", 4L);
        e.put("severity", "High");
        e.put("status", "New");
        e.put("status_code", "FAIL");
        e.put("status_detail", "Bucket example-logs allows public reads.");
        e.put("status_id", 1L);
        e.put("activity_id", 1L);
        e.put("activity_name", "Create");
        e.put("type_uid", 200401L);
        e.put("type_name", "Detection Finding: Create");
        e.put("category_uid", 2L);
        e.put("category_name", "Findings");
        e.put("class_uid", 2004L);
        e.put("class_name", "Detection Finding");
        e.put("time", 1767261600L);
        e.put("time_dt", "2026-01-01T10:00:00.250000+00:00");
        e.put("finding_info", map("uid", uid, "title", "Public read access on an S3 bucket",
                "desc", "Anyone on the internet can list and read the bucket's objects.",
                "created_time", 1767261600L, "created_time_dt", "2026-01-01T10:00:00.250000+00:00",
                "types", List.of("Software and Configuration Checks")));
        List<Object> resources = new ArrayList<>();
        resources.add(map("uid", resourceUid, "name", "example-logs", "type", "AwsS3Bucket", "region", "eu-west-1",
                "cloud_partition", "aws", "group", map("name", "s3"), "labels", List.of("env:test"),
                "tags", List.of(map("name", "env", "value", "test")), "data", map("details", "", "metadata", map())));
        e.put("resources", resources);
        e.put("cloud", map("account", map("uid", ACCOUNT, "type", "AWS Account", "type_id", 10L),
                "provider", "aws", "region", "eu-west-1"));
        e.put("remediation", map("desc", "Turn on Block Public Access for the bucket.",
                "references", List.of("https://docs.example.org/s3-public")));
        e.put("risk_details", "Data in the bucket can leak.");
        e.put("unmapped", map("compliance", map("CIS-3.0", List.of("2.1.4"), "ISO27001-2022", List.of("A.8.3", "A.8.4"))));
        return e;
    }

    /** An ASFF finding from Security Hub: a FAILED control, HIGH, one S3 bucket. */
    public static Map<String, Object> asff(String id) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("SchemaVersion", "2018-10-08");
        f.put("Id", id);
        f.put("ProductArn", "arn:aws:securityhub:eu-west-1::product/aws/securityhub");
        f.put("GeneratorId", "security-control/S3.8");
        f.put("AwsAccountId", ACCOUNT);
        f.put("Types", List.of("Software and Configuration Checks/Industry and Regulatory Standards"));
        f.put("FirstObservedAt", "2026-01-02T08:00:00.000Z");
        f.put("LastObservedAt", "2026-01-03T09:30:00.500Z");
        f.put("CreatedAt", "2026-01-02T08:00:01.000Z");
        f.put("UpdatedAt", "2026-01-03T09:30:01.000Z");
        f.put("Severity", map("Label", "HIGH", "Normalized", 70L, "Original", "HIGH"));
        f.put("Title", "S3 general purpose buckets should block public access");
        f.put("Description", "This control checks whether the bucket blocks public access.");
        f.put("Remediation", map("Recommendation", map("Text", "Block public access on the bucket.",
                "Url", "https://docs.example.org/s3-8")));
        f.put("Region", "eu-west-1");
        f.put("Resources", new ArrayList<>(List.of(map("Type", "AwsS3Bucket", "Id", "arn:aws:s3:::example-data",
                "Partition", "aws", "Region", "eu-west-1", "Tags", map("team", "data")))));
        f.put("Compliance", map("Status", "FAILED", "SecurityControlId", "S3.8",
                "RelatedRequirements", List.of("CIS AWS Foundations Benchmark v3.0.0/2.1.4")));
        f.put("WorkflowState", "NEW");
        f.put("Workflow", map("Status", "NEW"));
        f.put("RecordState", "ACTIVE");
        return f;
    }

    /** Alternating keys and values, in order; a null value is kept. */
    public static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** A copy of a nested map, so that a test may change one field deep inside. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> copy(Map<String, Object> m) {
        try {
            return JSON.readValue(JSON.writeValueAsBytes(m), LinkedHashMap.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String pretty(Object value) {
        try {
            return PRETTY.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String jsonLines(List<?> values) {
        StringBuilder sb = new StringBuilder();
        for (Object v : values) {
            sb.append(json(v)).append('\n');
        }
        return sb.toString();
    }

    static List<ProducerRecord> read(String text, String name, Format forced, String account) {
        List<ProducerRecord> result = new ArrayList<>();
        try (ProducerRecords records = ProducerRecords.open(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), name, forced, account, "aws")) {
            records.forEachRemaining(result::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    static List<ProducerRecord> read(String text) {
        return read(text, "prowler.ocsf.json", null, ACCOUNT);
    }

    static List<ProducerRecord> findings(List<ProducerRecord> records) {
        return records.stream().filter(r -> r.kind() == ProducerRecord.Kind.FINDING).toList();
    }

    static List<ProducerRecord> assets(List<ProducerRecord> records) {
        return records.stream().filter(r -> r.kind() == ProducerRecord.Kind.ASSET).toList();
    }

    static List<ProducerRecord> errors(List<ProducerRecord> records) {
        return records.stream().filter(ProducerRecord::isError).toList();
    }

    /** The one finding that one element maps to. */
    static Map<String, Object> finding(Map<String, Object> element) {
        List<ProducerRecord> records = read(pretty(List.of(element)));
        List<ProducerRecord> errors = errors(records);
        if (!errors.isEmpty()) {
            throw new AssertionError(errors.get(0).error());
        }
        return findings(records).get(0).raw();
    }

    /** The error of the one element given. */
    static String error(Map<String, Object> element) {
        List<ProducerRecord> errors = errors(read(pretty(List.of(element))));
        if (errors.size() != 1) {
            throw new AssertionError("expected one error, got " + errors);
        }
        return errors.get(0).error();
    }
}
