package com.mantissa.stance.sync.engine.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.engine.FaultInjectingStore;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.storage.LocalStorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanLocatorTest {
    @TempDir
    Path dir;

    /**
     * Fails on any whole read of a scan file, and records the files opened: a file whose name
     * does not say its format is opened for its first record; any other needs metadata only.
     */
    private FaultInjectingStore store;
    private final List<String> opened = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() {
        store = new FaultInjectingStore(new LocalStorageAdapter(dir), FaultInjectingStore.Fault.NONE) {
            @Override
            public Optional<StoredObject> readRecord(String path) {
                assertTrue(path.endsWith("manifest.json") || opened.contains(path), "read the content of " + path);
                return super.readRecord(path);
            }

            @Override
            public InputStream openStream(String path) {
                opened.add(path);
                return super.openStream(path);
            }
        };
    }

    private static List<RecordKind> kinds(List<ScanLocator.ScanFile> files) {
        return files.stream().map(ScanLocator.ScanFile::kind).toList();
    }

    @Test
    void exactNamesDecideTheKindInAnyCase() throws IOException {
        for (String name : List.of("findings.jsonl", "FINDINGS.JSONL", "Findings.json")) {
            Files.writeString(dir.resolve(name), "{}\n");
            assertEquals(List.of(RecordKind.FINDING), kinds(ScanLocator.locate(store, name, null)), name);
        }
        // Only the name that is not Stance's own (a .json file may be another producer's) was opened.
        assertEquals(List.of("Findings.json"), opened);
        for (String name : List.of("assets.jsonl", "Assets.jsonl", "ASSETS.json")) {
            Files.writeString(dir.resolve(name), "{}\n");
            assertEquals(List.of(RecordKind.ASSET), kinds(ScanLocator.locate(store, name, null)), name);
        }
    }

    @Test
    void anyOtherNameNeedsAKind() throws IOException {
        for (String name : List.of("gcp-assets-export.jsonl", "asset.jsonl", "findings-2024.json", "scan.jsonl")) {
            Files.writeString(dir.resolve(name), "{}\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ScanLocator.locate(store, name, null));
            assertTrue(e.getMessage().contains("--kind findings|assets"), e.getMessage());
            assertEquals(List.of(RecordKind.ASSET), kinds(ScanLocator.locate(store, name, RecordKind.ASSET)));
            assertEquals(List.of(RecordKind.FINDING), kinds(ScanLocator.locate(store, name, RecordKind.FINDING)));
        }
    }

    @Test
    void aKindContradictingTheNameIsRefused() throws IOException {
        Files.writeString(dir.resolve("assets.jsonl"), "{}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScanLocator.locate(store, "assets.jsonl", RecordKind.FINDING));
        assertTrue(e.getMessage().contains("--kind"), e.getMessage());
    }

    @Test
    void aFolderYieldsItsFilesOrOnlyTheGivenKind() throws IOException {
        Files.writeString(dir.resolve("findings.jsonl"), "{}\n");
        Files.writeString(dir.resolve("assets.jsonl"), "{}\n");
        assertEquals(List.of(RecordKind.FINDING, RecordKind.ASSET), kinds(ScanLocator.locate(store, "", null)));
        assertEquals(List.of(RecordKind.ASSET), kinds(ScanLocator.locate(store, "", RecordKind.ASSET)));
        assertEquals(List.of(), opened, "a folder's Stance files are located by their names");
    }

    @Test
    void aMissingFileIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> ScanLocator.locate(store, "findings.jsonl", null));
    }
}
