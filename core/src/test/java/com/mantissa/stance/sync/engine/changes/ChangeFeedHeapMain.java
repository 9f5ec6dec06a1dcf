package com.mantissa.stance.sync.engine.changes;

import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.engine.PushChanges;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.ObjectMetadata;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.GeneratedInput;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Run in a child JVM with a small heap by {@link ChangeFeedHeapTest}: a first push of many new
 * findings, generated as they are read, so every finding is a change. Central keeps its
 * {@code _state/} objects in memory, counts the change feed's objects and lines, and drops the
 * records themselves, so that the heap measured is the push's own. Prints what it counted.
 */
public final class ChangeFeedHeapMain {
    private ChangeFeedHeapMain() {
    }

    public static void main(String[] args) {
        int findings = Integer.parseInt(args[0]);
        FeedCountingCentral central = new FeedCountingCentral();
        CrossCloudSync sync = new CrossCloudSync(SyncConfig.builder("central").build(), central).trackState(false);
        sync.addScanFile(RecordKind.FINDING, "findings.jsonl", () -> new GeneratedFindings(findings), "123456789012",
                "aws");
        SyncResult result = sync.sync();
        long told = 0;
        for (PushChanges push : sync.lastChanges()) {
            for (var ignored : push.changes()) {
                told++;
            }
        }
        System.out.println("synced=" + result.recordsSynced() + " errors=" + result.errors().size() + " told=" + told
                + " feedObjects=" + central.feedObjects + " feedLines=" + central.feedLines + " largestFeedObject="
                + central.largestFeedObject + " heap=" + Runtime.getRuntime().maxMemory());
        result.errors().stream().limit(3).forEach(e -> System.out.println("error=" + e));
    }

    /** {@code count} new, open findings, one per line, made as they are read. */
    static final class GeneratedFindings extends GeneratedInput {
        private final int count;
        private int next;

        GeneratedFindings(int count) {
            this.count = count;
        }

        @Override
        protected byte[] next() {
            if (next == count) {
                return null;
            }
            int i = next++;
            return String.format(Locale.ROOT, "{\"id\": \"finding-%08d\", \"asset_id\": \"arn:aws:s3:::bucket-%d\","
                    + " \"finding_type\": \"misconfiguration\", \"severity\": \"high\", \"status\": \"open\","
                    + " \"title\": \"Bucket %d allows public reads of its objects\"}%n", i, i % 500, i)
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Central: {@code _state/} kept, the change feed counted, everything else dropped. */
    static final class FeedCountingCentral implements StorageAdapter {
        private final MemoryStore state = new MemoryStore(true);
        long feedObjects;
        long feedLines;
        long largestFeedObject;

        private static boolean kept(String path) {
            return path.contains("_state/");
        }

        @Override
        public synchronized String writeRecord(String path, byte[] content, WriteCondition condition) {
            if (kept(path)) {
                return state.writeRecord(path, content, condition);
            }
            if (path.contains(ChangeFeed.FOLDER)) {
                feedObjects++;
                largestFeedObject = Math.max(largestFeedObject, content.length);
                for (byte b : content) {
                    feedLines += b == '\n' ? 1 : 0;
                }
            }
            return "\"v1\"";
        }

        @Override
        public Optional<StoredObject> readRecord(String path) {
            return kept(path) ? state.readRecord(path) : Optional.empty();
        }

        @Override
        public List<String> listRecords(String prefix) {
            return state.listRecords(prefix);
        }

        @Override
        public void deleteRecord(String path) {
            if (kept(path)) {
                state.deleteRecord(path);
            }
        }

        @Override
        public Optional<ObjectMetadata> getMetadata(String path) {
            return kept(path) ? state.getMetadata(path) : Optional.empty();
        }

        @Override
        public String location() {
            return "memory://feed-counting-central";
        }
    }
}
