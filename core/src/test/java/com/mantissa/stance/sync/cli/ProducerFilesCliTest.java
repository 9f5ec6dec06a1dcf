package com.mantissa.stance.sync.cli;

import static com.mantissa.stance.sync.formats.ProducerDocuments.ACCOUNT;
import static com.mantissa.stance.sync.formats.ProducerDocuments.asff;
import static com.mantissa.stance.sync.formats.ProducerDocuments.detection;
import static com.mantissa.stance.sync.formats.ProducerDocuments.jsonLines;
import static com.mantissa.stance.sync.formats.ProducerDocuments.map;
import static com.mantissa.stance.sync.formats.ProducerDocuments.pretty;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.testing.CliRunner;
import com.mantissa.stance.sync.testing.CliRunner.Result;
import com.mantissa.stance.sync.wire.Checksums;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prowler's OCSF and Security Hub's ASFF files pushed with the CLI, with and without
 * {@code --format}: the name or the first record decides, each element lands as a Stance finding
 * plus an asset per resource, every record's {@code _checksum} verifies, and an element that
 * cannot be mapped is one error naming the file, element, line, field and value.
 */
class ProducerFilesCliTest {
    @TempDir
    Path dir;

    private Result push(Path source, String... extra) {
        String[] base = {"push", "--source", source.toString(), "--central", dir.resolve("central").toString(),
                "--account", ACCOUNT, "--provider", "aws"};
        return CliRunner.run(Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
    }

    private static String prowlerArray() {
        Map<String, Object> manual = detection("<finding_uid>", "iam_root_hardware_mfa", "arn:aws:iam::111122223333:root");
        manual.put("status_code", "MANUAL");
        Map<String, Object> passed = detection("<finding_uid>", "s3_bucket_public_read", "arn:aws:s3:::other");
        passed.put("status_code", "PASS");
        return pretty(List.of(detection("<finding_uid>", "s3_bucket_public_read", "arn:aws:s3:::example-logs"),
                manual, passed));
    }

    /** Every record under central's {@code kind} folder, by file name: each must carry a verifying checksum. */
    private Map<String, Map<String, Object>> stored(String kind) throws IOException {
        Path folder = dir.resolve("central/aggregated").resolve(kind);
        Map<String, Map<String, Object>> records = new TreeMap<>();
        if (!Files.exists(folder)) {
            return records;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Map<String, Object> record = JsonParser.parseObject(Files.readString(f));
                assertEquals(Checksums.recordChecksum(record), record.get("_checksum"), f.toString());
                records.put(f.getFileName().toString(), record);
            }
        }
        return records;
    }

    @Test
    void prowlerOcsfFileIsRecognisedByItsName() throws IOException {
        Path file = Files.writeString(dir.resolve("prowler-output-111122223333-20260101000000.ocsf.json"),
                prowlerArray());

        Result run = push(file);

        assertEquals(0, run.exitCode(), run.err());
        Map<String, Map<String, Object>> findings = stored("findings");
        assertEquals(3, findings.size(), findings.keySet().toString());
        assertEquals(3, stored("assets").size());
        Map<String, String> statusByRule = new TreeMap<>();
        findings.values().forEach(f -> statusByRule.put(f.get("rule_id") + " " + f.get("asset_id"),
                f.get("status") + "/" + f.get("severity")));
        assertEquals(Map.of("iam_root_hardware_mfa arn:aws:iam::111122223333:root", "open/info",
                "s3_bucket_public_read arn:aws:s3:::example-logs", "open/high",
                "s3_bucket_public_read arn:aws:s3:::other", "resolved/high"), statusByRule);
        assertTrue(run.err().contains("MANUAL"), "the MANUAL result is a warning: " + run.err());
    }

    @Test
    void withoutASuffixTheFirstRecordDecidesAndFormatGivesTheSame() throws IOException {
        Path named = Files.writeString(dir.resolve("scan.ocsf.json"), prowlerArray());
        assertEquals(0, push(named).exitCode());
        Map<String, Map<String, Object>> byName = stored("findings");

        for (String[] extra : List.of(new String[0], new String[] {"--format", "ocsf"})) {
            Path plain = Files.writeString(dir.resolve("prowler-output.json"), prowlerArray());
            Result run = push(plain, extra);
            assertEquals(0, run.exitCode(), run.err());
            // The same ids, so the same records: the second push changed nothing.
            assertEquals(byName.keySet(), stored("findings").keySet());
            assertTrue(run.err().contains("0 synced"), run.err());
        }
    }

    @Test
    void securityHubGetFindingsOutputLandsEvenWhenNamedFindingsJson() throws IOException {
        Map<String, Object> archived = asff("arn:aws:securityhub:eu-west-1:111122223333:finding/2");
        archived.put("RecordState", "ARCHIVED");
        Map<String, Object> suppressed = asff("arn:aws:securityhub:eu-west-1:111122223333:finding/3");
        suppressed.put("Workflow", map("Status", "SUPPRESSED"));
        Path file = Files.writeString(dir.resolve("findings.json"), pretty(map("Findings", List.of(
                asff("arn:aws:securityhub:eu-west-1:111122223333:finding/1"), archived, suppressed),
                "NextToken", "abc")));

        Result run = push(file);

        assertEquals(0, run.exitCode(), run.err());
        Map<String, String> statuses = new TreeMap<>();
        stored("findings").values().forEach(f -> statuses.put((String) f.get("id"), (String) f.get("status")));
        assertEquals(Map.of("arn:aws:securityhub:eu-west-1:111122223333:finding/1", "open",
                "arn:aws:securityhub:eu-west-1:111122223333:finding/2", "resolved",
                "arn:aws:securityhub:eu-west-1:111122223333:finding/3", "suppressed"), statuses);
        assertEquals(1, stored("assets").size());
    }

    @Test
    @SuppressWarnings("unchecked") // the nested maps detection() built
    void anElementOfAnotherAccountIsOneErrorAndTheRestLands() throws IOException {
        Map<String, Object> foreign = detection("uid-9", "ec2_imdsv2", "arn:aws:ec2:eu-west-1:999988887777:instance/i-1");
        ((Map<String, Object>) ((Map<String, Object>) foreign.get("cloud")).get("account")).put("uid", "999988887777");
        Path file = Files.writeString(dir.resolve("events.jsonl"), jsonLines(List.of(
                detection("uid-1", "s3_bucket_public_read", "arn:aws:s3:::example-logs"), foreign,
                detection("uid-3", "iam_root_mfa", "arn:aws:iam::111122223333:root"))));

        Result run = push(file);

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("events.jsonl element 2 (line 2): cloud.account.uid '999988887777'"), run.err());
        assertEquals(2, stored("findings").size());
    }

    @Test
    void aForcedFormatAppliesToEveryRecord() throws IOException {
        Path file = Files.writeString(dir.resolve("scan.ocsf.json"), prowlerArray());

        Result run = push(file, "--format", "asff");

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("scan.ocsf.json element 1 (line 1): Id"), run.err());
        assertEquals(0, stored("findings").size());
    }

    @Test
    void resolveMissingTakesAProducerFileAsTheAccountsSnapshot() throws IOException {
        Path file = dir.resolve("prowler.ocsf.json");
        Files.writeString(file, pretty(List.of(detection("uid-1", "s3_bucket_public_read", "arn:aws:s3:::a"),
                detection("uid-2", "s3_bucket_public_read", "arn:aws:s3:::b"),
                detection("uid-3", "s3_bucket_public_read", "arn:aws:s3:::c"))));
        assertEquals(0, push(file).exitCode());
        Files.writeString(file, pretty(List.of(detection("uid-1", "s3_bucket_public_read", "arn:aws:s3:::a"),
                detection("uid-2", "s3_bucket_public_read", "arn:aws:s3:::b"))));

        Result run = push(file, "--resolve-missing");

        assertEquals(0, run.exitCode(), run.err());
        Map<String, String> statuses = new TreeMap<>();
        stored("findings").values().forEach(f -> statuses.put((String) f.get("id"), (String) f.get("status")));
        assertEquals(Map.of("uid-1", "open", "uid-2", "open", "uid-3", "resolved"), statuses);
    }
}
