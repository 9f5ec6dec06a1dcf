package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncResult;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad records are reported as bad records; an exception that no record should cause (a bug in
 * the engine or a library) is reported as an unexpected failure of that record, never dressed
 * up as a problem with the input.
 */
class UnexpectedFailureTest {
    @TempDir
    Path root;

    /** A record whose reading of its title, however it is read, throws what a bug would throw. */
    static Map<String, Object> buggy(String id, RuntimeException thrown) {
        return new LinkedHashMap<>(Map.of("id", id, "title", "t")) {
            @Override
            public Object get(Object key) {
                if ("title".equals(key)) {
                    throw thrown;
                }
                return super.get(key);
            }

            @Override
            public Object getOrDefault(Object key, Object defaultValue) {
                if ("title".equals(key)) {
                    throw thrown;
                }
                return super.getOrDefault(key, defaultValue);
            }
        };
    }

    SyncResult push(List<?> findings) {
        CrossCloudSync sync = new CrossCloudSync(SyncConfig.builder("central").concurrency(4).build(),
                new LocalStorageAdapter(root.resolve("central")));
        sync.addLocalFindings(findings, "123456789012", "aws");
        return sync.sync();
    }

    @Test
    void anIllegalArgumentExceptionFromABugIsAnUnexpectedFailureNamingTheRecord() {
        SyncResult result = push(List.of(buggy("f-1", new IllegalArgumentException("internal state broken")),
                Map.of("id", "f-2")));

        assertEquals(1, result.recordsSynced(), result.toString());
        assertEquals(1, result.errors().size(), result.toString());
        String error = result.errors().get(0);
        assertTrue(error.startsWith("findings[0]: unexpected failure"), error);
        assertTrue(error.contains("IllegalArgumentException") && error.contains("internal state broken"), error);
    }

    @Test
    void nullPointerAndClassCastExceptionsAreUnexpectedFailuresNamingTheRecord() {
        SyncResult result = push(List.of(buggy("f-1", new NullPointerException()),
                buggy("f-2", new ClassCastException("x cannot be cast to y"))));

        assertEquals(2, result.errors().size(), result.toString());
        assertTrue(result.errors().get(0).startsWith("findings[0]: unexpected failure: NullPointerException"),
                result.errors().get(0));
        assertTrue(result.errors().get(1).startsWith("findings[1]: unexpected failure: ClassCastException"),
                result.errors().get(1));
    }

    @Test
    void anInvalidRecordIsStillAPlainRecordError() {
        SyncResult result = push(List.of(Map.of("id", "f-1", "severity", "SEVERE"), Map.of("title", "no id")));

        assertEquals(2, result.errors().size(), result.toString());
        for (String error : result.errors()) {
            assertFalse(error.contains("unexpected"), error);
        }
        assertTrue(result.errors().get(0).startsWith("findings[0]: invalid severity"), result.errors().get(0));
        assertTrue(result.errors().get(1).startsWith("findings[1]: finding has no id"), result.errors().get(1));
    }
}
