package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.CentralStores;
import com.mantissa.stance.sync.testing.CliProcess;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.GcsServer;
import com.mantissa.stance.sync.testing.MotoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code --quiet} prints nothing on stderr, whichever cloud central is on: the SDKs' own log
 * lines reach stderr too, so each store is pushed to by a real CLI process.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class QuietCloudPushTest {
    private static CentralStores stores;

    @TempDir
    Path dir;

    @BeforeAll
    static void servers(MotoServer moto, GcsServer gcs, AzuriteServer azurite) {
        stores = new CentralStores(moto, gcs, azurite);
    }

    @ParameterizedTest
    @EnumSource(CentralStores.Kind.class)
    void aQuietPushPrintsNothingOnStderr(CentralStores.Kind kind) throws IOException {
        String central = stores.create(kind, "quiet-" + kind.name().toLowerCase(Locale.ROOT) + "-"
                + UUID.randomUUID().toString().substring(0, 8));
        StringBuilder findings = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            findings.append(String.format("{\"id\": \"finding-%d\", \"severity\": \"high\", \"title\": \"t%d\"}%n", i, i));
        }
        Path scan = Files.writeString(dir.resolve("findings.jsonl"), findings);

        CliProcess.Result run = CliProcess.run(stores.environment(), Duration.ofSeconds(120), "push", "--source",
                scan.toString(), "--central", central, "--account", "123456789012", "--provider", "aws", "--quiet");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.err(), "stderr of a quiet push");
        assertEquals(5, stores.open(central).listRecords("aggregated/findings/").size());
    }
}
