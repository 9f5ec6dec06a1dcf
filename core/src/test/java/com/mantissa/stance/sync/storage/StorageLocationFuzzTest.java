package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Fuzz target for location URIs ({@code --central}, {@code STANCE_CENTRAL_URI}, event object URIs). */
class StorageLocationFuzzTest {

    /**
     * Any text: a location or an {@link IllegalArgumentException} whose message says why; a
     * parsed location prints as a URI that parses back to the same location.
     */
    @FuzzTest(maxDuration = "2m")
    void anyTextParsesToARoundTrippingLocationOrIllegalArgument(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        StorageLocation location;
        try {
            location = StorageLocation.parse(text);
        } catch (IllegalArgumentException rejected) {
            assertNotNull(rejected.getMessage(), "a rejection says why");
            return;
        }
        assertNotNull(location.scheme());
        assertNotNull(location.bucketName());
        assertEquals(location, StorageLocation.parse(location.toString()), () -> "round trip of " + location);
    }

    /** Regression (found by this target): a prefix of whitespace and slashes did not round-trip. */
    @Test
    void aPrefixOfOnlyWhitespaceAndSlashesIsNoPrefix() {
        assertNull(StorageLocation.parse("s3://b//\u000b//").prefix());
        assertEquals("x", StorageLocation.parse("gs://b/x/ /").prefix());
        assertEquals(StorageLocation.parse("az://a/c"), StorageLocation.parse("az://a/c/\t/"));
    }

    /** Regression (found by this target): a file URI's redundant slashes survived into the folder. */
    @Test
    void aFileUriWithRedundantSlashesNamesTheNormalisedFolder() {
        StorageLocation location = StorageLocation.parse("file:///tmp//central//");
        assertEquals(Path.of("/tmp/central"), location.folder());
        assertEquals(location, StorageLocation.parse(location.toString()));
    }

    /** Regression (found by this target): {@code s3://bht\f/} printed as a location naming another bucket. */
    @Test
    void whitespaceOrControlCharactersInABucketAccountOrContainerNameAreRefused() {
        for (String location : new String[] {"s3://bht\f/x", "gs://a b/x", "az://acc\u0000/c", "az://acc/con tainer",
                "https://acct.blob.core.windows.net/c%20d/x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StorageLocation.parse(location));
            assertTrue(e.getMessage().contains("contains whitespace or a control character"), e.getMessage());
        }
    }
}
