package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.testing.CliRunner;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code enqueue} with a sources file or a queue it cannot use sends nothing and stops with exit
 * 2 and one error line naming what is missing: a configuration to fix, not a failure to retry.
 */
@ExtendWith(Emulators.class)
class EnqueueExitCodesTest {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final String SOURCE = "{\"location\": \"s3://spoke/scan\", \"account\": \"111111111111\", "
            + "\"provider\": \"aws\"}\n";

    @Test
    void aMissingLocalSourcesFileIsExit2(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-sources.jsonl");

        CliRunner.Result r = CliRunner.run("enqueue", "--sources", missing.toString(), "--queue",
                "https://sqs.us-east-1.amazonaws.com/123456789012/unused");

        oneConfigurationError(r, "no-such-sources.jsonl");
    }

    @Test
    @Tag("slow")
    void aMissingSourcesObjectInABucketIsExit2(MotoServer moto) {
        String bucket = "enqueue-sources-" + SEQUENCE.incrementAndGet();
        moto.createBucket(bucket);

        CliRunner.Result r = CliRunner.run("enqueue", "--sources", "s3://" + bucket + "/_config/sources.jsonl",
                "--queue", queue(moto));

        oneConfigurationError(r, "sources.jsonl");
    }

    @Test
    @Tag("slow")
    void aSourcesFileInAMissingBucketIsExit2(MotoServer moto) {
        CliRunner.Result r = CliRunner.run("enqueue", "--sources", "s3://no-such-sources-bucket-"
                + SEQUENCE.incrementAndGet() + "/sources.jsonl", "--queue", queue(moto));

        oneConfigurationError(r, "no-such-sources-bucket");
    }

    @Test
    @Tag("slow")
    void aMissingQueueIsExit2(MotoServer moto, @TempDir Path dir) throws IOException {
        Path sources = Files.writeString(dir.resolve("sources.jsonl"), SOURCE);

        CliRunner.Result r = CliRunner.run("enqueue", "--sources", sources.toString(), "--queue",
                moto.endpoint() + "/123456789012/no-such-queue-" + SEQUENCE.incrementAndGet());

        oneConfigurationError(r, "no-such-queue");
    }

    private static String queue(MotoServer moto) {
        // Queues are never reached when the sources file cannot be read; any well-formed URL does.
        return moto.endpoint() + "/123456789012/enqueue-unused";
    }

    private static void oneConfigurationError(CliRunner.Result r, String naming) {
        assertEquals(2, r.exitCode(), r.err());
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).contains(naming), r.err());
        assertFalse(r.err().contains("unexpected failure"), r.err());
    }
}
