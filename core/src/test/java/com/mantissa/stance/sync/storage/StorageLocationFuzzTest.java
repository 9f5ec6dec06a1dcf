package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
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
}
