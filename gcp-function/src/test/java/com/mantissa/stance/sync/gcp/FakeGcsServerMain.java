package com.mantissa.stance.sync.gcp;

import com.mantissa.stance.sync.testing.FakeGcsJsonApiServer;
import java.io.IOException;

/**
 * The project's hand-written fake of the GCS JSON API ({@link FakeGcsJsonApiServer}) in a process
 * of its own, so that {@code .ci/gcp-cold-invoke.sh} measures the function's JVM without the
 * store's work in it (no GCS server that honours preconditions starts offline). Creates the
 * buckets named as arguments, prints the value for {@code STORAGE_EMULATOR_HOST} on one line,
 * and serves until its standard input closes or it is killed. Not a test.
 */
public final class FakeGcsServerMain {

    private FakeGcsServerMain() {
    }

    public static void main(String[] args) throws IOException {
        try (FakeGcsJsonApiServer fake = FakeGcsJsonApiServer.start()) {
            for (String bucket : args) {
                fake.createBucket(bucket);
            }
            System.out.println(fake.endpoint());
            System.out.flush();
            // Serve until the script closes our standard input (or kills us).
            while (System.in.read() >= 0) {
                // ignore what is typed
            }
        }
    }
}
