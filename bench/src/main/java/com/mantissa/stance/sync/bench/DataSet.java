package com.mantissa.stance.sync.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Deterministic, realistic Stance scan files: findings of 1–1.5 KB (misconfigurations and
 * vulnerabilities with descriptions, remediation text and frameworks) and assets with tags
 * and a raw configuration. Record {@code i} of a given seed is always the same, and
 * {@code changed} alters every tenth record (new last_seen and status), so a re-push of the
 * changed snapshot differs in exactly 10 % of the records.
 */
final class DataSet {
    static final String ACCOUNT = "123456789012";
    private static final String[] SEVERITIES = {"critical", "high", "medium", "low", "info"};
    private static final String[] REGIONS = {"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"};
    private static final String[] TYPES = {"aws_s3_bucket", "aws_iam_role", "aws_ec2_instance", "aws_rds_instance",
        "aws_lambda_function", "aws_security_group"};
    private static final String[] FRAMEWORKS = {"CIS AWS 1.5 2.1.1", "PCI-DSS 3.2.1 10.1", "NIST 800-53 AC-3",
        "SOC2 CC6.1", "HIPAA 164.312(a)(1)", "ISO27001 A.9.4.1"};
    private static final String[] WORDS = ("the resource allows access from outside the account without encryption "
            + "logging policy bucket role instance public network ingress egress rule principal wildcard key rotation "
            + "version retention backup snapshot tls certificate expired password mfa audit trail monitoring")
            .split(" ");

    private DataSet() {
    }

    /** Writes {@code findings/{snap}/findings.jsonl} and {@code assets/{snap}/assets.jsonl} under {@code dir}. */
    static void writeScan(Path dir, String snapshot, int findings, int assets, boolean changed) throws IOException {
        Path f = dir.resolve("findings").resolve(snapshot).resolve("findings.jsonl");
        Path a = dir.resolve("assets").resolve(snapshot).resolve("assets.jsonl");
        Files.createDirectories(f.getParent());
        Files.createDirectories(a.getParent());
        try (BufferedWriter w = writer(Files.newOutputStream(f))) {
            for (int i = 0; i < findings; i++) {
                w.write(finding(i, changed && i % 10 == 0));
                w.write('\n');
            }
        }
        try (BufferedWriter w = writer(Files.newOutputStream(a))) {
            for (int i = 0; i < assets; i++) {
                w.write(asset(i, changed && i % 10 == 0));
                w.write('\n');
            }
        }
    }

    /** A findings.jsonl of at least {@code bytes} bytes; returns the number of records. */
    static long writeBigFindings(Path file, long bytes) throws IOException {
        Files.createDirectories(file.getParent());
        long written = 0;
        long n = 0;
        try (BufferedWriter w = writer(Files.newOutputStream(file))) {
            while (written < bytes) {
                String line = finding(n++, false);
                w.write(line);
                w.write('\n');
                written += line.length() + 1;
            }
        }
        return n;
    }

    private static BufferedWriter writer(OutputStream out) {
        return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    }

    static String finding(long i, boolean changed) {
        Random r = new Random(i * 7919 + 17);
        boolean vuln = r.nextInt(3) == 0;
        String asset = "arn:aws:" + TYPES[r.nextInt(TYPES.length)].substring(4) + ":" + REGIONS[r.nextInt(REGIONS.length)]
                + ":" + ACCOUNT + ":resource/res-" + (i % 2000);
        StringBuilder sb = new StringBuilder(1600);
        sb.append("{\"id\": \"finding-").append(String.format(Locale.ROOT, "%08d", i)).append('"');
        field(sb, "asset_id", asset);
        field(sb, "finding_type", vuln ? "vulnerability" : "misconfiguration");
        field(sb, "severity", SEVERITIES[r.nextInt(SEVERITIES.length)]);
        field(sb, "status", changed ? "resolved" : "open");
        field(sb, "title", words(r, 6 + r.nextInt(6)));
        field(sb, "description", words(r, 50 + r.nextInt(40)));
        field(sb, "first_seen", "2024-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(10) + "T0" + r.nextInt(10)
                + ":1" + r.nextInt(10) + ":00Z");
        field(sb, "last_seen", changed ? "2024-11-02T08:00:00.250000Z" : "2024-11-01T08:00:00Z");
        field(sb, "rule_id", "stance." + (vuln ? "cve" : "policy") + "." + r.nextInt(400));
        field(sb, "resource_path", "/" + words(r, 3).replace(' ', '/'));
        field(sb, "expected_value", vuln ? null : "true");
        field(sb, "actual_value", vuln ? null : "false");
        field(sb, "cve_id", vuln ? "CVE-2024-" + (1000 + r.nextInt(9000)) : null);
        if (vuln) {
            sb.append(", \"cvss_score\": ").append(r.nextInt(100) / 10.0);
        }
        field(sb, "package_name", vuln ? "lib" + words(r, 1) : null);
        field(sb, "installed_version", vuln ? "1." + r.nextInt(20) + "." + r.nextInt(10) : null);
        field(sb, "fixed_version", vuln ? "1." + (20 + r.nextInt(5)) + ".0" : null);
        sb.append(", \"compliance_frameworks\": [");
        int fw = 1 + r.nextInt(3);
        for (int k = 0; k < fw; k++) {
            sb.append(k == 0 ? "" : ", ").append('"').append(FRAMEWORKS[r.nextInt(FRAMEWORKS.length)]).append('"');
        }
        sb.append(']');
        field(sb, "remediation_guidance", words(r, 30 + r.nextInt(30)));
        sb.append('}');
        return sb.toString();
    }

    static String asset(long i, boolean changed) {
        Random r = new Random(i * 104729 + 3);
        String type = TYPES[r.nextInt(TYPES.length)];
        String region = REGIONS[r.nextInt(REGIONS.length)];
        StringBuilder sb = new StringBuilder(1200);
        sb.append("{\"id\": \"arn:aws:").append(type.substring(4)).append(':').append(region).append(':')
                .append(ACCOUNT).append(":resource/res-").append(i).append('"');
        field(sb, "cloud_provider", "aws");
        field(sb, "account_id", ACCOUNT);
        field(sb, "region", region);
        field(sb, "resource_type", type);
        field(sb, "name", "res-" + i + "-" + words(r, 1));
        sb.append(", \"tags\": {\"env\": \"").append(r.nextBoolean() ? "prod" : "dev")
                .append("\", \"team\": \"").append(words(r, 1)).append("\", \"cost-center\": \"cc-")
                .append(r.nextInt(100)).append("\"}");
        field(sb, "network_exposure", r.nextInt(5) == 0 ? "internet_facing" : "internal");
        field(sb, "created_at", "2023-0" + (1 + r.nextInt(9)) + "-0" + (1 + r.nextInt(9)) + "T12:00:00Z");
        field(sb, "last_seen", changed ? "2024-11-02T08:00:00Z" : "2024-11-01T08:00:00Z");
        sb.append(", \"raw_config\": {\"arn\": \"res-").append(i).append("\", \"encryption\": ")
                .append(r.nextBoolean()).append(", \"versioning\": ").append(r.nextBoolean())
                .append(", \"policy\": \"").append(words(r, 40)).append("\", \"size\": ").append(r.nextInt(100000))
                .append('}');
        sb.append('}');
        return sb.toString();
    }

    private static void field(StringBuilder sb, String key, String value) {
        sb.append(", \"").append(key).append("\": ");
        if (value == null) {
            sb.append("null");
        } else {
            sb.append('"').append(value).append('"');
        }
    }

    private static String words(Random r, int n) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < n; k++) {
            sb.append(k == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }
}
