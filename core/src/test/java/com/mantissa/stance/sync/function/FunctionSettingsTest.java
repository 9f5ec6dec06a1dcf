package com.mantissa.stance.sync.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.model.ConflictResolution;
import com.mantissa.stance.sync.model.SyncConfig;
import com.mantissa.stance.sync.model.SyncDirection;
import com.mantissa.stance.sync.storage.StorageLocation;
import java.util.HashMap;
import java.util.Map;
import com.mantissa.stance.sync.formats.Format;
import org.junit.jupiter.api.Test;

class FunctionSettingsTest {

    @Test
    void unsetSettingsTakeTheDocumentedDefaults() {
        FunctionSettings s = FunctionSettings.fromEnvironment(Map.of("STANCE_CENTRAL_URI", "s3://central"));
        SyncConfig c = s.config();
        assertEquals("central", c.centralBucket());
        assertEquals("aggregated", c.centralPrefix());
        assertEquals(SyncDirection.PUSH, c.syncDirection());
        assertEquals(ConflictResolution.LATEST_WINS, c.conflictResolution());
        assertTrue(c.includeAssets());
        assertEquals(1000, c.batchSize());
        assertTrue(c.checksumVerify());
        assertTrue(c.adaptiveConcurrency(), "no STANCE_CONCURRENCY: the parallelism adapts to the store");
        assertTrue(s.accountId().isEmpty());
        assertTrue(s.sources().isEmpty());
        assertTrue(s.pullTarget().isEmpty());
    }

    @Test
    void everyVariableIsParsed() {
        Map<String, String> env = new HashMap<>();
        env.put("STANCE_CENTRAL_URI", "gs://hub/ignored");
        env.put("STANCE_CENTRAL_PREFIX", "central/v1");
        env.put("STANCE_CONFLICT_RESOLUTION", "MERGE");
        env.put("STANCE_SYNC_DIRECTION", "bidirectional");
        env.put("STANCE_INCLUDE_ASSETS", "false");
        env.put("STANCE_BATCH_SIZE", "250");
        env.put("STANCE_CONCURRENCY", "4");
        env.put("STANCE_CHECKSUM_VERIFY", "0");
        env.put("STANCE_ACCOUNT_ID", "123456789012");
        env.put("STANCE_SOURCES", "s3://spoke-a/stance|111111111111|aws, gs://spoke-b/stance|my-project\n"
                + "az://acct/scans/stance|sub-1|azure");
        env.put("STANCE_PULL_TARGET", "az://replica/central");

        FunctionSettings s = FunctionSettings.fromEnvironment(env);

        assertEquals("central/v1", s.config().centralPrefix());
        assertEquals(ConflictResolution.MERGE, s.config().conflictResolution());
        assertEquals(SyncDirection.BIDIRECTIONAL, s.direction());
        assertEquals(SyncDirection.PUSH, s.push().config().syncDirection(), "every push is a push");
        assertFalse(s.config().includeAssets());
        assertEquals(250, s.config().batchSize());
        assertEquals(4, s.config().concurrency());
        assertFalse(s.config().adaptiveConcurrency(), "STANCE_CONCURRENCY fixes the parallelism");
        assertFalse(s.config().checksumVerify());
        assertEquals("123456789012", s.accountId().orElseThrow());
        assertEquals(3, s.sources().size());
        assertEquals("gcp", s.sources().get(1).provider(), "provider defaults to the source's cloud");
        assertEquals(StorageLocation.parse("az://acct/scans/stance"), s.sources().get(2).location());
        assertEquals(StorageLocation.Scheme.AZURE, s.pullTarget().orElseThrow().scheme());
    }

    @Test
    void indexMaxAgeAndDeadlineHaveDefaultsBelowThePlatformTimeoutAndParseDurations() {
        FunctionSettings defaults = FunctionSettings.fromEnvironment(Map.of("STANCE_CENTRAL_URI", "s3://central"));
        assertEquals(java.time.Duration.ofHours(24), defaults.indexMaxAge());
        assertEquals(java.time.Duration.ofSeconds(240), defaults.deadline());

        FunctionSettings set = FunctionSettings.fromEnvironment(Map.of("STANCE_CENTRAL_URI", "s3://central",
                "STANCE_INDEX_MAX_AGE", "0s", "STANCE_DEADLINE", "2m"));
        assertEquals(java.time.Duration.ZERO, set.indexMaxAge());
        assertEquals(java.time.Duration.ofMinutes(2), set.deadline());

        assertMessage(Map.of("STANCE_CENTRAL_URI", "s3://c", "STANCE_DEADLINE", "soon"), "STANCE_DEADLINE");
        assertMessage(Map.of("STANCE_CENTRAL_URI", "s3://c", "STANCE_INDEX_MAX_AGE", "-1h"), "STANCE_INDEX_MAX_AGE");
    }

    @Test
    void errorsNameTheVariable() {
        assertMessage(Map.of(), "STANCE_CENTRAL_URI");
        assertMessage(Map.of("STANCE_CENTRAL_URI", "ftp://x"), "STANCE_CENTRAL_URI");
        assertMessage(Map.of("STANCE_CENTRAL_URI", "s3://c", "STANCE_BATCH_SIZE", "0"), "STANCE_BATCH_SIZE");
        assertMessage(Map.of("STANCE_CENTRAL_URI", "s3://c", "STANCE_BATCH_SIZE", "lots"), "STANCE_BATCH_SIZE");
        assertMessage(Map.of("STANCE_CENTRAL_URI", "s3://c", "STANCE_CONFLICT_RESOLUTION", "newest"),
                "STANCE_CONFLICT_RESOLUTION");
        assertMessage(Map.of("STANCE_CENTRAL_URI", "s3://c", "STANCE_INCLUDE_ASSETS", "maybe"), "STANCE_INCLUDE_ASSETS");
        assertMessage(Map.of("STANCE_CENTRAL_URI", "s3://c", "STANCE_ACCOUNT_ID", "../etc"), "STANCE_ACCOUNT_ID");
        assertMessage(Map.of("STANCE_CENTRAL_URI", "s3://c", "STANCE_SOURCES", "s3://a|1|oracle"), "STANCE_SOURCES");
        assertMessage(Map.of("STANCE_CENTRAL_URI", "s3://c", "STANCE_SOURCES", "s3://a"), "STANCE_SOURCES");
        assertMessage(Map.of("STANCE_CENTRAL_URI", "s3://c", "STANCE_SYNC_DIRECTION", "pull"), "STANCE_PULL_TARGET");
        assertMessage(Map.of("STANCE_CENTRAL_URI", "s3://c", "STANCE_CENTRAL_PREFIX", "a/../b"), "STANCE_CENTRAL_PREFIX");
        assertMessage(Map.of("STANCE_CENTRAL_URI", "s3://c", "STANCE_SOURCE_FORMAT", "csv"), "STANCE_SOURCE_FORMAT");
        assertMessage(Map.of("STANCE_CENTRAL_URI", "s3://c", "STANCE_SOURCES", "s3://a|1|aws|csv"), "STANCE_SOURCES");
    }

    @Test
    void theSourceFormatIsThePushDescriptionsAndASourceMayHaveItsOwn() {
        FunctionSettings unset = FunctionSettings.fromEnvironment(Map.of("STANCE_CENTRAL_URI", "s3://c",
                "STANCE_SOURCES", "s3://a|1|aws|ASFF;s3://b|2"));
        assertEquals(null, unset.push().format());
        assertEquals(Format.ASFF, unset.sources().get(0).format());
        assertEquals(Format.ASFF, unset.sources().get(0).pushedAs(unset.push()).format());
        assertEquals(null, unset.sources().get(1).format());

        FunctionSettings forced = FunctionSettings.fromEnvironment(Map.of("STANCE_CENTRAL_URI", "s3://c",
                "STANCE_SOURCE_FORMAT", "ocsf", "STANCE_SOURCES", "s3://a|1|aws|asff;s3://b|2"));
        assertEquals(Format.OCSF, forced.push().format());
        assertEquals(Format.ASFF, forced.sources().get(0).pushedAs(forced.push()).format());
        assertEquals(Format.OCSF, forced.sources().get(1).pushedAs(forced.push()).format());
    }

    private static void assertMessage(Map<String, String> env, String variable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FunctionSettings.fromEnvironment(env));
        assertTrue(e.getMessage().contains(variable), e.getMessage());
    }
}
