package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.FakeGcsJsonApiServer;
import com.mantissa.stance.sync.testing.GcsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GCS adapter's streaming paths against the JSON API fake: an upload from a file goes as a
 * resumable upload in chunks, so no request (and no buffer of the client's) holds the whole
 * file; a read stream reads the one generation it found on opening.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class GCSStreamingTest {

    private static final String BUCKET = "stance-streaming";
    /** Several chunks and a partial last one. */
    private static final int FILE_BYTES = 3 * GCSStorageAdapter.UPLOAD_CHUNK_BYTES + 12_345;

    private static FakeGcsJsonApiServer fake;

    @TempDir
    Path dir;

    @BeforeAll
    static void createBucket(GcsServer gcs) {
        gcs.createBucket(BUCKET);
        fake = gcs.fake();
    }

    @Test
    void aLargeFileIsUploadedInChunksOfOneResumableSessionAndReadBackAsAStream() throws Exception {
        Path file = randomFile(dir.resolve("findings.jsonl"), FILE_BYTES, 1);
        GCSStorageAdapter store = new GCSStorageAdapter(BUCKET);
        int before = fake.requests().size();

        String version = store.uploadFile("export/findings/snap/findings.jsonl", file);

        List<String> sent = fake.requests().subList(before, fake.requests().size());
        assertEquals(1, sent.stream().filter(r -> r.startsWith("POST ") && r.contains("uploadType=resumable")).count(),
                () -> "one resumable session: " + sent);
        long chunks = sent.stream().filter(r -> r.startsWith("PUT ") && r.contains("upload_id=")).count();
        assertTrue(chunks >= 4, () -> "the file went in chunks: " + sent);
        assertTrue(fake.largestUploadRequest() <= GCSStorageAdapter.UPLOAD_CHUNK_BYTES,
                () -> "largest upload request " + fake.largestUploadRequest() + " bytes");
        assertEquals(version, store.getMetadata("export/findings/snap/findings.jsonl").orElseThrow().generation().toString());

        int beforeRead = fake.requests().size();
        try (InputStream in = store.openStream("export/findings/snap/findings.jsonl")) {
            assertArrayEquals(sha256(Files.newInputStream(file)), sha256(in), "the bytes read back are the file's");
        }
        List<String> reads = fake.requests().subList(beforeRead, fake.requests().size());
        assertTrue(reads.stream().anyMatch(r -> r.contains("alt=media") && r.contains("generation=" + version)),
                () -> "the stream reads the generation found on opening: " + reads);
    }

    @Test
    void anUploadReplacesWhatIsThereAndAnEmptyFileIsAnEmptyObject() throws Exception {
        GCSStorageAdapter store = new GCSStorageAdapter(BUCKET);
        String first = store.uploadFile("export/replaced.jsonl", randomFile(dir.resolve("a"), 300_000, 2));
        Path second = randomFile(dir.resolve("b"), 1_000, 3);

        String replaced = store.uploadFile("export/replaced.jsonl", second);
        String empty = store.uploadFile("export/empty.jsonl", Files.createFile(dir.resolve("empty")));

        assertTrue(Long.parseLong(replaced) > Long.parseLong(first), first + " then " + replaced);
        assertArrayEquals(Files.readAllBytes(second), store.readRecord("export/replaced.jsonl").orElseThrow().content());
        assertEquals(0, store.readRecord("export/empty.jsonl").orElseThrow().content().length);
        assertEquals(empty, store.getMetadata("export/empty.jsonl").orElseThrow().generation().toString());
    }

    @Test
    void openingAnAbsentObjectIsNotFoundAndAMissingFileIsAPermanentFailure() {
        GCSStorageAdapter store = new GCSStorageAdapter(BUCKET);

        assertThrows(NotFoundException.class, () -> store.openStream("export/absent.jsonl"));
        PermanentStorageException e = assertThrows(PermanentStorageException.class,
                () -> store.uploadFile("export/x.jsonl", dir.resolve("no-such-file")));
        assertTrue(e.getMessage().contains("no-such-file"), e.getMessage());
    }

    private static Path randomFile(Path file, int bytes, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int left = bytes; left > 0; left -= block.length) {
                random.nextBytes(block);
                out.write(block, 0, Math.min(left, block.length));
            }
        }
        return file;
    }

    private static byte[] sha256(InputStream stream) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(stream, digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return digest.digest();
    }
}
