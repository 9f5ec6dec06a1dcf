package com.mantissa.stance.sync.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.wire.Checksums;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordPathsTest {

    @Test
    void findingPathUsesMd5PrefixAndKeepsTheIdVerbatim() {
        String id = "arn:aws:securityhub:us-east-1:123456789012:finding/0";
        assertEquals("aggregated/findings/" + Checksums.md5Hex(id).substring(0, 4) + "/123456789012/" + id + ".json",
                RecordPaths.findingPath("aggregated", "123456789012", id));
        assertEquals("aggregated/findings/9c94/123456789012/" + id + ".json",
                RecordPaths.findingPath("aggregated", "123456789012", id));
    }

    @Test
    void assetPathReplacesSlashAndColonButHashesTheOriginalId() {
        String id = "/subscriptions/xxx/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa2";
        assertEquals("aggregated/assets/" + Checksums.md5Hex(id).substring(0, 4)
                        + "/123456789012/_subscriptions_xxx_resourceGroups_rg_providers_Microsoft.Storage_storageAccounts_sa2.json",
                RecordPaths.assetPath("aggregated", "123456789012", id));
        assertEquals("c/assets/" + Checksums.md5Hex("a:b").substring(0, 4) + "/acct/a_b.json",
                RecordPaths.assetPath("c", "acct", "a:b"));
    }

    @Test
    void emptyPrefixGivesNoLeadingSlash() {
        assertTrue(RecordPaths.findingPath("", "1", "f").startsWith("findings/"));
        assertTrue(RecordPaths.assetPath("", "1", "a").startsWith("assets/"));
    }

    @Test
    void md5IsOverUtf8() {
        assertEquals("9d0d", Checksums.md5Hex("\u00fcn\u00efc\u00f6d\u00e9-3").substring(0, 4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/../b", "a/./b", "/abs", "a//b", "a/", ".", "..", "a\\b", "a\nb", "a\u0000b",
        "a\u007fb", "\ud800"})
    void hostileFindingIdsAreRejected(String id) {
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> RecordPaths.findingPath("aggregated", "123", id));
        assertTrue(e.getMessage().startsWith("unsafe finding id '"), e.getMessage());
    }

    @Test
    void traversalMessageNamesTheIdAndTheRule() {
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> RecordPaths.findingPath("aggregated", "123", "../x"));
        assertEquals("unsafe finding id '../x': a '/'-separated segment is empty, '.' or '..'", e.getMessage());
    }

    @Test
    void assetIdsWithSlashesAndDotsAreSafeButBackslashAndControlAreNot() {
        assertEquals("p/assets/" + Checksums.md5Hex("../..").substring(0, 4) + "/1/.._...json",
                RecordPaths.assetPath("p", "1", "../.."));
        assertThrows(InvalidRecordException.class, () -> RecordPaths.assetPath("p", "1", "a\\b"));
        assertThrows(InvalidRecordException.class, () -> RecordPaths.assetPath("p", "1", "a\tb"));
        assertThrows(InvalidRecordException.class, () -> RecordPaths.assetPath("p", "1", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "a\\b", "a\nb", "/"})
    void hostileAccountIdsAreRejected(String account) {
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> RecordPaths.validateAccount(account));
        assertTrue(e.getMessage().startsWith("unsafe account id"), e.getMessage());
        assertThrows(InvalidRecordException.class, () -> RecordPaths.findingPath("p", account, "f"));
        assertThrows(InvalidRecordException.class, () -> RecordPaths.assetPath("p", account, "a"));
    }

    @Test
    void nullAccountIsRejected() {
        assertThrows(InvalidRecordException.class, () -> RecordPaths.validateAccount(null));
    }

    @Test
    void ordinaryIdsWithSpacesUnicodeAndColonsAreAccepted() {
        assertEquals("p/findings/" + Checksums.md5Hex("id with spaces 11").substring(0, 4) + "/my-project/id with spaces 11.json",
                RecordPaths.findingPath("p", "my-project", "id with spaces 11"));
        RecordPaths.findingPath("p", "1", "gcp/projects/p1/findings/4");
        RecordPaths.findingPath("p", "1", "emoji \ud83d\udd25..x");
    }
}
