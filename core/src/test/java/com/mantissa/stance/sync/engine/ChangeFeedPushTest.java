package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.TransientStorageException;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.ForwardingStore;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The change feed on a folder and in memory, under every conflict strategy, with and without the push index. */
class ChangeFeedPushTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(ConflictResolution.class)
    void everyStrategyRecordsWhatItChangedOnAFolderWithTheIndex(ConflictResolution strategy) {
        new ChangeFeedScenario(new LocalStorageAdapter(dir), strategy, true).run();
    }

    @ParameterizedTest
    @EnumSource(ConflictResolution.class)
    void everyStrategyRecordsWhatItChangedWithoutTheIndex(ConflictResolution strategy) {
        new ChangeFeedScenario(new MemoryStore(), strategy, false).run();
    }

    @Test
    void aFeedWriteThatLandedButWhoseAnswerWasLostIsRecordedAfterItsRetryFindsItsOwnBytes() {
        AtomicInteger feedWrites = new AtomicInteger();
        StorageAdapter central = new ForwardingStore(new MemoryStore()) {
            @Override
            public String writeRecord(String path, byte[] content, WriteCondition condition) {
                boolean first = path.contains("/_changes/") && feedWrites.incrementAndGet() == 1;
                String token = delegate.writeRecord(path, content, condition);
                if (first) {
                    throw new TransientStorageException("connection reset after the write", null);
                }
                return token;
            }
        };
        ChangeFeedScenario scenario = new ChangeFeedScenario(central, ConflictResolution.LATEST_WINS, true);

        PushChanges first = ChangeFeedScenario.only(scenario.push(ChangeFeedScenario.SNAP1, ChangeFeedScenario.DAY1));

        assertEquals(2, feedWrites.get(), "the write, then its retry, which finds the object there");
        assertTrue(first.recorded(), "the object holds this push's own bytes");
        assertEquals(first.changes(), scenario.stored(first.key()));
    }

    @Test
    void aRedeliveredPushFindsItsFeedObjectThereAndDoesNotRecordItAgain() {
        StorageAdapter central = new MemoryStore();
        ChangeFeedScenario scenario = new ChangeFeedScenario(central, ConflictResolution.LATEST_WINS, false);
        PushChanges first = ChangeFeedScenario.only(scenario.push(ChangeFeedScenario.SNAP1, ChangeFeedScenario.DAY1));
        // As if the records' writes had been lost and the same event came again the same day.
        for (String key : central.listRecords(ChangeFeedScenario.PREFIX + "/findings/")) {
            central.deleteRecord(key);
        }

        PushChanges again = ChangeFeedScenario.only(scenario.push(ChangeFeedScenario.SNAP1,
                ChangeFeedScenario.DAY1.plusSeconds(60)));

        assertEquals(first.push(), again.push());
        assertEquals(ChangeFeedScenario.summary(first.changes()), ChangeFeedScenario.summary(again.changes()));
        assertTrue(first.recorded());
        assertFalse(again.recorded(), "the object of that push is there already");
        assertEquals(first.changes(), scenario.stored(first.key()), "the first delivery's object stays as it was");
    }
}
