package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StorageLocationTest {

    @Test
    void s3UriNamesBucketAndPrefix() {
        StorageLocation l = StorageLocation.parse("s3://central/aggregated/");
        assertEquals(StorageLocation.Scheme.S3, l.scheme());
        assertEquals("central", l.bucket());
        assertEquals("aggregated", l.prefix());
        assertEquals("aws", l.scheme().provider());
    }

    @Test
    void bucketWithoutPrefixAndWithAggregatedNameTheSameKeys() {
        assertNull(StorageLocation.parse("s3://central").prefix());
        assertEquals("aggregated", StorageLocation.parse("s3://central").prefixOr("aggregated"));
        assertEquals("aggregated", StorageLocation.parse("s3://central/aggregated").prefixOr("aggregated"));
    }

    @Test
    void gcsUriKeepsNestedPrefix() {
        StorageLocation l = StorageLocation.parse("gs://hub/stance/central");
        assertEquals(StorageLocation.Scheme.GCS, l.scheme());
        assertEquals("hub", l.bucket());
        assertEquals("stance/central", l.prefix());
    }

    @Test
    void azureUriAndBlobUrlNameAccountContainerAndPrefix() {
        StorageLocation az = StorageLocation.parse("az://acct/central/aggregated");
        StorageLocation https = StorageLocation.parse("https://acct.blob.core.windows.net/central/aggregated");
        assertEquals(az, https);
        assertEquals("acct", az.bucket());
        assertEquals("central", az.container());
        assertEquals("acct/central", az.bucketName());
        assertEquals("azure", az.scheme().provider());
    }

    @Test
    void dataLakeUrlNamesTheSameBlob() {
        assertEquals(StorageLocation.parse("https://acct.blob.core.windows.net/fs/a/findings.jsonl"),
                StorageLocation.parse("https://acct.dfs.core.windows.net/fs/a/findings.jsonl"));
    }

    @Test
    void blobUrlKeysAreDecoded() {
        StorageLocation l = StorageLocation.parse(
                "https://acct.blob.core.windows.net/scans/stance/findings/snap%201/findings.jsonl");
        assertEquals("stance/findings/snap 1/findings.jsonl", l.prefix());
    }

    @Test
    void emulatorStyleUrlTakesAccountFromThePath() {
        StorageLocation l = StorageLocation.parse("http://127.0.0.1:10000/devstoreaccount1/central/x");
        assertEquals("devstoreaccount1", l.bucket());
        assertEquals("central", l.container());
        assertEquals("x", l.prefix());
    }

    @Test
    void fileUriAndPlainPathAreFoldersWithoutPrefix() {
        StorageLocation uri = StorageLocation.parse("file:///tmp/central");
        StorageLocation path = StorageLocation.parse("/tmp/central");
        assertEquals(uri, path);
        assertEquals(Path.of("/tmp/central"), uri.folder());
        assertNull(uri.prefix());
        assertTrue(StorageLocation.parse("central").folder().isAbsolute());
    }

    @Test
    void badLocationsSayWhatIsAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StorageLocation.parse("ftp://x/y"));
        assertTrue(e.getMessage().contains("s3://bucket"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StorageLocation.parse("s3://"));
        assertThrows(IllegalArgumentException.class, () -> StorageLocation.parse("az://acct"));
        assertThrows(IllegalArgumentException.class, () -> StorageLocation.parse(" "));
        assertThrows(IllegalArgumentException.class, () -> StorageLocation.parse("https://example.com/a/b"));
    }
}
