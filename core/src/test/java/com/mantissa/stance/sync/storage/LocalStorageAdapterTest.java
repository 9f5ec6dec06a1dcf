package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only a folder store has to get right: its files, names, temporary files and root. */
class LocalStorageAdapterTest {

    @TempDir
    Path dir;

    @Test
    void metadataOfAFileLargerThanAnyArrayIsReadFromTheFileSystemNotFromItsContent() throws IOException {
        Path root = Files.createDirectories(dir.resolve("scans"));
        long size = 3L * 1024 * 1024 * 1024; // sparse: takes no disk, but cannot be read into one byte[]
        try (RandomAccessFile file = new RandomAccessFile(root.resolve("findings.jsonl").toFile(), "rw")) {
            file.setLength(size);
        }
        LocalStorageAdapter store = new LocalStorageAdapter(root);

        ObjectMetadata metadata = store.getMetadata("findings.jsonl").orElseThrow();

        assertEquals(size, metadata.size());
        assertFalse(metadata.etag().isEmpty());
    }

    @Test
    void theTokenChangesOnEveryWriteEvenOfTheSameContentSoAStaleReaderNeverWins() {
        LocalStorageAdapter store = new LocalStorageAdapter(dir.resolve("central"));
        byte[] same = "{}".getBytes(StandardCharsets.UTF_8);
        String first = store.writeRecord("a.json", same, WriteCondition.IF_ABSENT);
        String second = store.writeRecord("a.json", same, WriteCondition.ifMatch(first));

        assertNotEquals(first, second);
        assertThrows(PreconditionFailedException.class,
                () -> store.writeRecord("a.json", same, WriteCondition.ifMatch(first)));
        assertEquals(second, store.getMetadata("a.json").orElseThrow().etag());
        assertEquals(second, store.readRecord("a.json").orElseThrow().versionToken());
    }

    @Test
    void anEditInPlaceChangesTheToken() throws IOException {
        LocalStorageAdapter store = new LocalStorageAdapter(dir.resolve("central"));
        String token = store.writeRecord("a.json", "{\"v\": 1}".getBytes(StandardCharsets.UTF_8));

        Files.writeString(dir.resolve("central/a.json"), "{\"v\": 2}");

        assertNotEquals(token, store.getMetadata("a.json").orElseThrow().etag());
        assertThrows(PreconditionFailedException.class, () -> store.writeRecord("a.json",
                "{\"v\": 3}".getBytes(StandardCharsets.UTF_8), WriteCondition.ifMatch(token)));
    }

    @Test
    void aNameOfTheFullLengthLeavesNoTemporaryFileBehind() throws IOException {
        Path root = dir.resolve("central");
        LocalStorageAdapter store = new LocalStorageAdapter(root);
        String key = "findings/ab12/123456789012/" + "x".repeat(250) + ".json";

        store.writeRecord(key, "{}".getBytes(StandardCharsets.UTF_8), WriteCondition.IF_ABSENT);

        try (Stream<Path> files = Files.list(root.resolve("findings/ab12/123456789012"))) {
            assertEquals(List.of("x".repeat(250) + ".json"), files.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void anUnsafeKeyConcernsOneRecordNotTheStore() {
        LocalStorageAdapter store = new LocalStorageAdapter(dir.resolve("central"));
        for (String key : List.of("../escape.json", "/etc/passwd", "a\\b.json", "a/./b.json", "bell\u0007.json",
                ".stance-sync/locks/0.lock")) {
            assertThrows(InvalidKeyException.class, () -> store.writeRecord(key, new byte[] {'{', '}'}), key);
            assertThrows(InvalidKeyException.class, () -> store.readRecord(key), key);
        }
    }

    @Test
    void anUnsafeKeyIsNamedWithItsControlCharactersEscaped() {
        LocalStorageAdapter store = new LocalStorageAdapter(dir.resolve("central"));

        InvalidKeyException e = assertThrows(InvalidKeyException.class,
                () -> store.writeRecord("bell\u0007next\u0085line.json", new byte[] {'{', '}'}));

        // C0 and C1 control characters alike, as every other message escapes untrusted text.
        assertTrue(e.getMessage().contains("'bell\\u0007next\\u0085line.json'"), e.getMessage());
    }

    @Test
    void aCentralThatIsARegularFileIsAStoreLevelFailureNamingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("central.txt"), "not a folder");
        LocalStorageAdapter store = new LocalStorageAdapter(file);

        PermanentStorageException write = assertThrows(PermanentStorageException.class,
                () -> store.writeRecord("findings/a.json", new byte[] {'{', '}'}, WriteCondition.IF_ABSENT));
        PermanentStorageException list = assertThrows(PermanentStorageException.class,
                () -> store.listRecords("findings/"));

        for (PermanentStorageException e : List.of(write, list)) {
            assertTrue(e.getMessage().contains(store.location()), e.getMessage());
            assertTrue(e.getMessage().contains("not a folder"), e.getMessage());
        }
    }

    @Test
    void listingAFolderStoreWhoseRootDoesNotExistIsAnErrorNotAnEmptyStore() {
        LocalStorageAdapter store = new LocalStorageAdapter(dir.resolve("no-such-central"));

        PermanentStorageException e = assertThrows(PermanentStorageException.class,
                () -> store.listRecords("aggregated/findings/"));

        assertTrue(e.getMessage().contains(store.location()) && e.getMessage().contains("does not exist"),
                e.getMessage());
        // Reads of one record in a folder that is yet to be created stay "absent": a first push creates it.
        assertEquals(java.util.Optional.empty(), store.readRecord("aggregated/findings/a.json"));
    }

    @Test
    void aMissingSubfolderOfAnExistingRootListsAsEmpty() throws IOException {
        Files.createDirectories(dir.resolve("central"));
        assertEquals(List.of(), new LocalStorageAdapter(dir.resolve("central")).listRecords("aggregated/assets/"));
    }
}
