package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.StorageOptions;
import com.mantissa.stance.sync.engine.exec.Retry;
import com.mantissa.stance.sync.storage.AzureBlobStorageAdapter;
import com.mantissa.stance.sync.storage.GCSStorageAdapter;
import com.mantissa.stance.sync.storage.S3StorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageTimeouts;
import com.mantissa.stance.sync.storage.TransientStorageException;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.BlackHoleServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A central that accepts connections and never answers: with the clients configured as the
 * adapters configure their own (one attempt, bounded by {@link StorageTimeouts}) and the
 * engine's {@link Retry} given a deadline, 16 writers of 20 records each all end with a
 * transient error within the deadline plus one attempt, and the server sees one connection per
 * attempt the engine counted: no SDK retries hidden underneath.
 */
@org.junit.jupiter.api.Tag("slow")
class HangingStoreDeadlineTest {

    private static final StorageTimeouts TIMEOUTS = new StorageTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2));
    private static final Duration DEADLINE = Duration.ofSeconds(5);
    private static final int WRITERS = 16;
    private static final int RECORDS_EACH = 20;

    enum Cloud { S3, AZURE, GCS }

    private static StorageAdapter store(Cloud cloud, String url) {
        return switch (cloud) {
            case S3 -> new S3StorageAdapter("hanging", S3StorageAdapter.configure(S3Client.builder(), TIMEOUTS)
                    .endpointOverride(URI.create(url))
                    .forcePathStyle(true)
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAHANG", "s")))
                    .build());
            case AZURE -> new AzureBlobStorageAdapter(new BlobContainerClientBuilder()
                    .endpoint(url + "/hanging/central")
                    .credential(new StorageSharedKeyCredential("hanging", "aGFuZ2luZy1zdG9yZS10ZXN0LWtleQ=="))
                    .httpClient(AzureBlobStorageAdapter.httpClient(TIMEOUTS))
                    .retryOptions(AzureBlobStorageAdapter.retryOptions(TIMEOUTS))
                    .buildClient());
            case GCS -> new GCSStorageAdapter("hanging", GCSStorageAdapter.configure(StorageOptions.http(), TIMEOUTS)
                    .setHost(url)
                    .setProjectId("hanging")
                    .setCredentials(NoCredentials.getInstance())
                    .build()
                    .getService());
        };
    }

    @ParameterizedTest
    @EnumSource(Cloud.class)
    void aSyncAgainstAStoreThatNeverAnswersEndsWithErrorsWithinTheDeadline(Cloud cloud) throws Exception {
        try (BlackHoleServer hole = new BlackHoleServer()) {
            StorageAdapter store = store(cloud, hole.url());
            Retry retry = Retry.defaults().deadlineIn(DEADLINE);
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            long start = System.nanoTime();
            List<Future<Integer>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    int failed = 0;
                    for (int r = 0; r < RECORDS_EACH; r++) {
                        String key = "aggregated/findings/ab12/123456789012/f-" + writer + "-" + r + ".json";
                        try {
                            retry.call(() -> store.writeRecord(key, new byte[] {'{', '}'}, WriteCondition.IF_ABSENT));
                        } catch (TransientStorageException expected) {
                            failed++;
                        }
                    }
                    return failed;
                }));
            }
            int failed = 0;
            for (Future<Integer> writer : writers) {
                failed += writer.get(2, TimeUnit.MINUTES);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdownNow();

            assertEquals(WRITERS * RECORDS_EACH, failed, "every write ended with a transient error");
            Duration bound = DEADLINE.plus(TIMEOUTS.attempt()).plusSeconds(3);
            assertTrue(seconds < bound.toSeconds(), cloud + " took " + seconds + " s, bound " + bound);
            // Let the server count the last connections the clients opened.
            Thread.sleep(200);
            assertEquals(retry.attempts(), hole.connections(), "one connection per attempt the engine made");
            System.out.printf(Locale.ROOT, "[figures] %s store that never answers: %d writes failed in %.1f s "
                            + "(deadline %d s, attempt timeout %d s), %d attempts, %d connections%n", cloud, failed,
                    seconds, DEADLINE.toSeconds(), TIMEOUTS.attempt().toSeconds(), retry.attempts(), hole.connections());
        }
    }
}
