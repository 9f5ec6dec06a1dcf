package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncAbortedException;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.InvalidKeyException;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.storage.ObjectMetadata;
import com.mantissa.stance.sync.storage.PermanentStorageException;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that fails as a whole (missing, denied, not a store) stops the sync at once with
 * one {@link SyncAbortedException} naming the store, credentials redacted, instead of one
 * identical error per record. A key one store cannot hold stays an error of that record.
 */
class StoreAbortTest {
    private static final String ACCOUNT = "123456789012";
    private static final String CANARY = "CANARY7Q";
    private static final String LEAKY = "403 denied for https://acct.blob.core.windows.net/c/x.json?sv=2023-11-03&sig="
            + CANARY + " (AccountKey=" + CANARY + "==;SharedAccessSignature=" + CANARY + ")";

    @TempDir
    Path root;

    /** A real store whose calls fail as {@code fault} says (null: no failure), counting every call. */
    static final class FailingStore implements StorageAdapter {
        final StorageAdapter delegate;
        final Function<String, StorageException> fault;
        final AtomicInteger calls = new AtomicInteger();

        FailingStore(StorageAdapter delegate, Function<String, StorageException> fault) {
            this.delegate = delegate;
            this.fault = fault;
        }

        private void check(String path) {
            calls.incrementAndGet();
            StorageException e = fault.apply(path);
            if (e != null) {
                throw e;
            }
        }

        @Override
        public String writeRecord(String path, byte[] content, WriteCondition condition) {
            check(path);
            return delegate.writeRecord(path, content, condition);
        }

        @Override
        public Optional<StoredObject> readRecord(String path) {
            check(path);
            return delegate.readRecord(path);
        }

        @Override
        public List<String> listRecords(String prefix) {
            check(prefix);
            return delegate.listRecords(prefix);
        }

        @Override
        public void deleteRecord(String path) {
            check(path);
            delegate.deleteRecord(path);
        }

        @Override
        public Optional<ObjectMetadata> getMetadata(String path) {
            check(path);
            return delegate.getMetadata(path);
        }

        @Override
        public String location() {
            return "az://acct/central";
        }
    }

    static List<Map<String, Object>> findings(int n) {
        return IntStream.range(0, n).<Map<String, Object>>mapToObj(i -> Map.of("id", "f-" + i)).toList();
    }

    static SyncConfig.Builder config() {
        return SyncConfig.builder("central").concurrency(16).batchSize(50);
    }

    static void assertNamesTheStoreWithoutSecrets(SyncAbortedException e, String role, String location) {
        assertTrue(e.getMessage().contains(role) && e.getMessage().contains(location), e.getMessage());
        for (String secret : List.of(CANARY, "sig=", "AccountKey", "SharedAccessSignature")) {
            assertFalse(e.getMessage().contains(secret), e.getMessage());
        }
    }

    @Test
    void aCentralThatDeniesEveryCallStopsThePushAtOnceWithOneError() {
        for (boolean index : new boolean[] {true, false}) {
            FailingStore central = new FailingStore(new LocalStorageAdapter(root.resolve("central")),
                    path -> new PermanentStorageException(LEAKY, null));
            CrossCloudSync sync = new CrossCloudSync(config().build(), central).useIndex(index);
            sync.addLocalFindings(findings(500), ACCOUNT, "aws");

            SyncAbortedException e = assertThrows(SyncAbortedException.class, sync::sync);

            assertNamesTheStoreWithoutSecrets(e, "central", "az://acct/central");
            assertTrue(e.getMessage().contains("403 denied"), e.getMessage());
            assertTrue(central.calls.get() <= 17, "calls after the store failed as a whole: " + central.calls.get());
        }
    }

    @Test
    void aCentralFolderThatIsARegularFileStopsThePush() throws Exception {
        Path file = Files.writeString(root.resolve("central"), "not a folder");
        LocalStorageAdapter central = new LocalStorageAdapter(file);
        CrossCloudSync sync = new CrossCloudSync(config().build(), central);
        sync.addLocalFindings(findings(200), ACCOUNT, "aws");

        SyncAbortedException e = assertThrows(SyncAbortedException.class, sync::sync);

        assertTrue(e.getMessage().contains(central.location()), e.getMessage());
        assertEquals("not a folder", Files.readString(file));
    }

    @Test
    void aPullTargetThatDeniesWritesStopsThePull() {
        LocalStorageAdapter central = new LocalStorageAdapter(root.resolve("central"));
        CrossCloudSync push = new CrossCloudSync(config().build(), central);
        push.addLocalFindings(findings(100), ACCOUNT, "aws");
        assertEquals(100, push.sync().recordsSynced());
        FailingStore target = new FailingStore(new LocalStorageAdapter(root.resolve("replica")),
                path -> new PermanentStorageException(LEAKY, null));

        CrossCloudSync pull = new CrossCloudSync(config().syncDirection(SyncDirection.PULL).build(), central, target);
        SyncAbortedException e = assertThrows(SyncAbortedException.class, pull::sync);

        assertNamesTheStoreWithoutSecrets(e, "pull target", "az://acct/central");
        assertTrue(target.calls.get() <= 16, "calls: " + target.calls.get());
    }

    @Test
    void aSourceStoreThatDeniesReadingTheScanStopsThePush() {
        CrossCloudSync sync = new CrossCloudSync(config().build(), new LocalStorageAdapter(root.resolve("central")));
        sync.addScanFile(RecordKind.FINDING, "s3://scans/123456789012/findings.jsonl", () -> {
            throw new PermanentStorageException(LEAKY, null);
        }, ACCOUNT, "aws");

        SyncAbortedException e = assertThrows(SyncAbortedException.class, sync::sync);

        assertNamesTheStoreWithoutSecrets(e, "source", "s3://scans/123456789012/findings.jsonl");
    }

    @Test
    void aKeyTheStoreCannotHoldIsAnErrorOfThatRecordOnly() {
        FailingStore central = new FailingStore(new LocalStorageAdapter(root.resolve("central")),
                path -> path.contains("f-1") && !path.contains("_state")
                        ? new InvalidKeyException("key of " + path.length() + " bytes is over this store's limit")
                        : null);
        CrossCloudSync sync = new CrossCloudSync(config().build(), central);
        sync.addLocalFindings(findings(30), ACCOUNT, "aws");

        SyncResult result = sync.sync();

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            if (String.valueOf(i).startsWith("1")) {
                expected.add("f-" + i);
            }
        }
        assertEquals(30 - expected.size(), result.recordsSynced(), result.toString());
        assertEquals(expected.size(), result.errors().size(), result.toString());
        for (int i = 0; i < expected.size(); i++) {
            String error = result.errors().get(i);
            assertTrue(error.contains("'" + expected.get(i) + "'") && error.contains("over this store's limit"), error);
        }
    }

    @Test
    void aPullFromACentralFolderThatDoesNotExistIsAnError() {
        LocalStorageAdapter central = new LocalStorageAdapter(root.resolve("no-such-folder"));

        CrossCloudSync pull = new CrossCloudSync(config().syncDirection(SyncDirection.PULL).build(), central,
                new LocalStorageAdapter(root.resolve("replica")));
        SyncAbortedException e = assertThrows(SyncAbortedException.class, pull::sync);

        assertTrue(e.getMessage().contains(central.location()), e.getMessage());
        assertFalse(Files.exists(root.resolve("replica")));
    }

    @Test
    void aPullFromAPrefixWithNothingUnderItIsAnError() {
        LocalStorageAdapter central = new LocalStorageAdapter(root.resolve("central"));
        CrossCloudSync push = new CrossCloudSync(config().build(), central);
        push.addLocalFindings(findings(3), ACCOUNT, "aws");
        assertEquals(3, push.sync().recordsSynced());

        CrossCloudSync pull = new CrossCloudSync(config().centralPrefix("agregated").syncDirection(SyncDirection.PULL)
                .build(), central);
        SyncAbortedException e = assertThrows(SyncAbortedException.class, pull::sync);

        assertTrue(e.getMessage().contains("agregated/"), e.getMessage());
        assertEquals(3, new CrossCloudSync(config().syncDirection(SyncDirection.PULL).build(), central).sync()
                .recordsSynced(), "the right prefix still pulls");
    }
}
