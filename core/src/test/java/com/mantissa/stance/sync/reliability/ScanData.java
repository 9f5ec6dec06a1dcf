package com.mantissa.stance.sync.reliability;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Deterministic scan files of a chosen size, shaped like a Stance scan's. */
final class ScanData {
    private static final String[] SEVERITIES = {"critical", "high", "medium", "low", "info"};

    private ScanData() {
    }

    /** Writes {@code findings.jsonl} ({@code findings} lines) and {@code assets.jsonl} into {@code folder}. */
    static Path write(Path folder, int findings, int assets) {
        try {
            Files.createDirectories(folder);
            try (BufferedWriter w = Files.newBufferedWriter(folder.resolve("findings.jsonl"), StandardCharsets.UTF_8)) {
                for (int i = 0; i < findings; i++) {
                    w.write(finding(i));
                    w.write('\n');
                }
            }
            if (assets > 0) {
                try (BufferedWriter w = Files.newBufferedWriter(folder.resolve("assets.jsonl"), StandardCharsets.UTF_8)) {
                    for (int i = 0; i < assets; i++) {
                        w.write(asset(i));
                        w.write('\n');
                    }
                }
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String finding(int i) {
        return String.format("{\"id\": \"finding-%05d\", \"asset_id\": \"arn:aws:s3:::bucket-%d\", "
                + "\"finding_type\": \"misconfiguration\", \"severity\": \"%s\", \"status\": \"open\", "
                + "\"title\": \"S3 bucket %d allows public read\", \"description\": \"The bucket policy grants "
                + "s3:GetObject to everyone.\", \"first_seen\": \"2026-11-01T10:00:00Z\", "
                + "\"last_seen\": \"2026-11-20T10:00:%02dZ\", \"rule_id\": \"aws-s3-00%d\", "
                + "\"compliance_frameworks\": [\"CIS-AWS-2.1.5\"], \"remediation_guidance\": \"Remove the public "
                + "grant.\"}", i, i % 97, SEVERITIES[i % SEVERITIES.length], i, i % 60, i % 9);
    }

    static String asset(int i) {
        return String.format("{\"id\": \"arn:aws:s3:::bucket-%05d\", \"cloud_provider\": \"aws\", "
                + "\"account_id\": \"111122223333\", \"region\": \"us-east-1\", \"resource_type\": \"s3_bucket\", "
                + "\"name\": \"bucket-%05d\", \"tags\": {\"team\": \"t%d\"}, \"network_exposure\": \"internet_facing\", "
                + "\"created_at\": \"2026-01-01T00:00:00Z\", \"last_seen\": \"2026-11-20T10:00:00Z\", "
                + "\"raw_config\": {\"versioning\": true}}", i, i, i % 5);
    }
}
