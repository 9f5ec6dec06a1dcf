package com.mantissa.stance.sync.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.Central;
import com.mantissa.stance.sync.engine.StatusOperation;
import com.mantissa.stance.sync.function.FunctionEvent;
import com.mantissa.stance.sync.function.FunctionSettings;
import com.mantissa.stance.sync.function.SourceSpec;
import com.mantissa.stance.sync.function.SyncFunction;
import com.mantissa.stance.sync.function.WorkMessages;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.queue.WorkQueue;
import com.mantissa.stance.sync.queue.WorkQueues;
import com.mantissa.stance.sync.settings.Settings;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.testing.CliRunner;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Every entry point runs the same push: the CLI, an object-created event, the scheduled
 * catch-up, and the worker's source messages, continuations and S3 notifications. Each pushes a
 * scan, then a rescan that dropped one finding, with resolve-missing on, into a central folder
 * and into a central bucket on moto; each must leave the account's status written and the dropped
 * finding resolved.
 */
@org.junit.jupiter.api.Tag("slow")
@ExtendWith(Emulators.class)
class EntryPointsBehaveAlikeTest {
    private static final String SPOKE = "alike-spoke";
    private static final String CENTRAL_BUCKET = "alike-central";

    enum EntryPoint { CLI_PUSH, OBJECT_CREATED, SCHEDULED_CATCH_UP, WORKER_SOURCE, WORKER_CONTINUATIONS,
        WORKER_S3_NOTIFICATION }

    @ParameterizedTest
    @EnumSource(EntryPoint.class)
    void aFolderCentralGetsStatusAndResolvedFindings(EntryPoint entry, MotoServer moto, @TempDir Path dir)
            throws IOException {
        // The first resolve push into a folder that does not exist yet is refused today; the folder is made here.
        check(entry, moto, Files.createDirectories(dir.resolve("central")).toUri().toString());
    }

    @ParameterizedTest
    @EnumSource(EntryPoint.class)
    void aBucketCentralGetsStatusAndResolvedFindings(EntryPoint entry, MotoServer moto) {
        moto.createBucket(CENTRAL_BUCKET);
        check(entry, moto, "s3://" + CENTRAL_BUCKET + "/alike-" + entry.name().toLowerCase());
    }

    @ParameterizedTest
    @EnumSource(EntryPoint.class)
    void anIndexMaxAgeOfZeroRechecksEveryRecordAndRepairsOneDeletedOutOfBand(EntryPoint entry, MotoServer moto) {
        moto.createBucket(SPOKE);
        moto.createBucket(CENTRAL_BUCKET);
        String central = "s3://" + CENTRAL_BUCKET + "/age-" + entry.name().toLowerCase();
        String account = "acct-age-" + entry.ordinal();
        String scan = "scans/age/" + entry.name().toLowerCase();
        writeScan(moto, scan, "20261201-060000", 3);
        push(entry, moto, central, scan, "20261201-060000", account);
        String key = RecordPaths.findingPath(StorageLocation.parse(central).prefix(), account, "finding-0");
        moto.setupClient().deleteObject(b -> b.bucket(CENTRAL_BUCKET).key(key));

        assertTrue(push(entry, moto, central, scan, "20261201-060000", account, Map.of("STANCE_INDEX_MAX_AGE", "0")),
                entry.toString());

        assertTrue(moto.setupClient().listObjectsV2(b -> b.bucket(CENTRAL_BUCKET).prefix(key)).keyCount() == 1,
                entry + ": the re-checked record is written again");
    }

    @ParameterizedTest
    @EnumSource(EntryPoint.class)
    void aDeadlineStopsThePushWithErrors(EntryPoint entry, MotoServer moto) {
        moto.createBucket(SPOKE);
        moto.createBucket(CENTRAL_BUCKET);
        String scan = "scans/deadline/" + entry.name().toLowerCase();
        writeScan(moto, scan, "20261201-060000", 3);

        boolean pushed = push(entry, moto, "s3://" + CENTRAL_BUCKET + "/deadline-" + entry.name().toLowerCase(), scan,
                "20261201-060000", "acct-deadline-" + entry.ordinal(), Map.of("STANCE_DEADLINE", "1ms"));

        assertFalse(pushed, entry + ": a push that ran past its deadline reports errors");
    }

    private void check(EntryPoint entry, MotoServer moto, String central) {
        moto.createBucket(SPOKE);
        String account = "acct-" + entry.ordinal();
        String scan = "scans/" + central.hashCode() + "/" + entry.name().toLowerCase();
        writeScan(moto, scan, "20261201-060000", 3);
        push(entry, moto, central, scan, "20261201-060000", account);
        writeScan(moto, scan, "20261202-060000", 2);
        push(entry, moto, central, scan, "20261202-060000", account);

        StorageLocation location = StorageLocation.parse(central);
        try (Stores stores = new Stores()) {
            StorageAdapter store = stores.open(location);
            String prefix = location.prefixOr("aggregated");
            StatusOperation.Row row = Central.at(store, prefix).status(Duration.ofHours(48)).run().stream()
                    .filter(r -> r.account().equals(account)).findFirst().orElseThrow();
            assertNotNull(row.status(), entry + ": no status written for " + account);
            assertEquals("aws", row.status().provider(), entry.toString());
            assertEquals("findings 3, open 2, resolved 1, assets 2, snapshot 20261202-060000",
                    "findings " + row.status().findings() + ", open " + row.status().open() + ", resolved "
                            + row.status().resolved() + ", assets " + row.status().assets() + ", snapshot "
                            + row.status().snapshot(), entry + ": the rescan's counts");
            assertFalse(row.stale(), entry.toString());
            assertEquals("resolved", status(store, prefix, account, "finding-2"), entry + ": dropped finding");
            assertEquals("open", status(store, prefix, account, "finding-1"), entry.toString());
        }
    }

    private static String status(StorageAdapter store, String prefix, String account, String id) {
        byte[] record = store.readRecord(RecordPaths.findingPath(prefix, account, id)).orElseThrow().content();
        return (String) JsonParser.parseObject(new String(record, StandardCharsets.UTF_8)).get("status");
    }

    private static void writeScan(MotoServer moto, String scan, String snapshot, int findings) {
        StringBuilder f = new StringBuilder();
        for (int i = 0; i < findings; i++) {
            f.append("{\"id\": \"finding-").append(i).append("\", \"finding_type\": \"misconfiguration\", ")
                    .append("\"severity\": \"high\", \"status\": \"open\", \"title\": \"Finding ").append(i)
                    .append("\", \"asset_id\": \"asset-").append(i % 2).append("\"}\n");
        }
        String a = "{\"id\": \"asset-0\", \"name\": \"a0\", \"resource_type\": \"aws_s3_bucket\", \"region\": \"us-east-1\"}\n"
                + "{\"id\": \"asset-1\", \"name\": \"a1\", \"resource_type\": \"aws_s3_bucket\", \"region\": \"us-east-1\"}\n";
        String manifest = "{\"snapshots\": [{\"id\": \"" + snapshot + "\", \"account_id\": \"x\", \"finding_count\": "
                + findings + ", \"asset_count\": 2}]}";
        moto.setupClient().putObject(b -> b.bucket(SPOKE).key(scan + "/findings/" + snapshot + "/findings.jsonl"),
                RequestBody.fromString(f.toString()));
        moto.setupClient().putObject(b -> b.bucket(SPOKE).key(scan + "/assets/" + snapshot + "/assets.jsonl"),
                RequestBody.fromString(a));
        moto.setupClient().putObject(b -> b.bucket(SPOKE).key(scan + "/snapshots/manifest.json"),
                RequestBody.fromString(manifest));
    }

    private static Map<String, String> env(String central, String account) {
        Map<String, String> env = new HashMap<>();
        env.put("STANCE_CENTRAL_URI", central);
        env.put("STANCE_RESOLVE_MISSING", "true");
        env.put("STANCE_RESOLVE_MAX_SHARE", "1");
        env.put("STANCE_ACCOUNT_ID", account);
        return env;
    }

    private static void push(EntryPoint entry, MotoServer moto, String central, String scan, String snapshot,
                             String account) {
        assertTrue(push(entry, moto, central, scan, snapshot, account, Map.of()), entry + " pushed with errors");
    }

    /**
     * Pushes through {@code entry} with {@code settings} (environment names) added: the
     * functions and the worker read them from their environment, the CLI from the flags the
     * settings table gives them.
     *
     * @return whether the push succeeded
     */
    private static boolean push(EntryPoint entry, MotoServer moto, String central, String scan, String snapshot,
                                String account, Map<String, String> settings) {
        String source = "s3://" + SPOKE + "/" + scan;
        Map<String, String> env = env(central, account);
        env.putAll(settings);
        StringWriter log = new StringWriter();
        switch (entry) {
            case CLI_PUSH -> {
                List<String> args = new ArrayList<>(List.of("push", "--source", source, "--central", central,
                        "--account", account, "--provider", "aws", "--resolve-missing", "--resolve-max-share", "1",
                        "--quiet"));
                for (Map.Entry<String, String> setting : settings.entrySet()) {
                    args.add(Settings.ALL.stream().filter(x -> setting.getKey().equals(x.env())).findFirst()
                            .orElseThrow().flag());
                    args.add(setting.getValue());
                }
                CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
                return r.exitCode() == 0;
            }
            case OBJECT_CREATED -> {
                var outcome = SyncFunction.fromEnvironment(env).handle(List.of(
                        FunctionEvent.objectCreated("1", source + "/findings/" + snapshot + "/findings.jsonl", account),
                        FunctionEvent.objectCreated("2", source + "/assets/" + snapshot + "/assets.jsonl", account)));
                return outcome.entries().stream().allMatch(e -> e.result().success());
            }
            case SCHEDULED_CATCH_UP -> {
                env.put("STANCE_SOURCES", source + "|" + account + "|aws");
                var outcome = ScheduledTick.run(SyncFunction.fromEnvironment(env), "tick", "schedule");
                return outcome.entries().stream().allMatch(e -> e.result().success());
            }
            case WORKER_SOURCE -> {
                QueueWorker worker = new QueueWorker(FunctionSettings.fromEnvironment(env), null,
                        new QueueWorker.Options(null, Duration.ofSeconds(1), null), new PrintWriter(log));
                Set<String> redeliver = worker.process(Map.of("m", WorkMessages.source(SourceSpec.of(
                        StorageLocation.parse(source), account, "aws"), 0)));
                return redeliver.isEmpty() && worker.summary().success();
            }
            case WORKER_CONTINUATIONS -> {
                String url;
                try (SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(moto.endpoint()))
                        .region(Region.of(MotoServer.REGION)).httpClient(UrlConnectionHttpClient.create())
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing",
                                "testing"))).build()) {
                    url = sqs.createQueue(b -> b.queueName("alike-" + Math.abs(central.hashCode()))).queueUrl();
                }
                env.put("STANCE_BATCH_SIZE", "1");
                try (WorkQueue queue = WorkQueues.open(url)) {
                    queue.send(WorkMessages.source(SourceSpec.of(StorageLocation.parse(source), account, "aws"), 0));
                    QueueWorker worker = new QueueWorker(FunctionSettings.fromEnvironment(env), queue,
                            new QueueWorker.Options(Duration.ofNanos(1), Duration.ofSeconds(2), null),
                            new PrintWriter(log));
                    QueueWorker.Summary summary = worker.run();
                    assertTrue(!settings.isEmpty() || summary.continuations() > 0,
                            "a one-line batch under a nanosecond budget continues: " + log);
                    return summary.success();
                }
            }
            case WORKER_S3_NOTIFICATION -> {
                QueueWorker worker = new QueueWorker(FunctionSettings.fromEnvironment(env), null,
                        new QueueWorker.Options(null, Duration.ofSeconds(1), null), new PrintWriter(log));
                List<String> records = new ArrayList<>();
                for (String kind : List.of("findings", "assets")) {
                    records.add("{\"eventName\": \"ObjectCreated:Put\", \"s3\": {\"bucket\": {\"name\": \"" + SPOKE
                            + "\"}, \"object\": {\"key\": \"" + scan + "/" + kind + "/" + snapshot + "/" + kind
                            + ".jsonl\"}}}");
                }
                Set<String> redeliver = worker.process(Map.of("m", "{\"Records\": [" + records.stream()
                        .collect(Collectors.joining(", ")) + "]}"));
                return redeliver.isEmpty() && worker.summary().success();
            }
            default -> throw new IllegalArgumentException(entry.toString());
        }
    }
}
