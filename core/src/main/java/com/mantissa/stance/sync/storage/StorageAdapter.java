package com.mantissa.stance.sync.storage;

import java.util.List;
import java.util.Optional;

/**
 * A flat key/value object store: the original's five operations plus a version token on
 * read and native conditional writes, which is what lets concurrent writers never lose an
 * update (SPEC §4.2).
 *
 * <p>Keys are full object keys ({@code aggregated/findings/…}); an adapter never rewrites
 * them. Every failure is one of the core's {@link StorageException} subtypes, never an SDK
 * type, and a failed read is never reported as an absent object.
 */
public interface StorageAdapter extends AutoCloseable {

    /**
     * Writes {@code content} at {@code path} if {@code condition} holds.
     *
     * @return the new version token (S3/Azure etag, GCS generation, local content hash)
     * @throws PreconditionFailedException when the condition does not hold
     */
    String writeRecord(String path, byte[] content, WriteCondition condition);

    /** Unconditional write, as in the original. */
    default String writeRecord(String path, byte[] content) {
        return writeRecord(path, content, WriteCondition.NONE);
    }

    /**
     * Reads an object with its version token.
     *
     * @return empty only when the store says the object does not exist
     */
    Optional<StoredObject> readRecord(String path);

    /**
     * Opens an object for streaming, for scan files far larger than memory. Adapters whose SDK
     * can stream override this; the default reads the whole object.
     *
     * @throws NotFoundException when the object does not exist
     */
    default java.io.InputStream openStream(String path) {
        return new java.io.ByteArrayInputStream(readRecord(path)
                .orElseThrow(() -> new NotFoundException(location() + "/" + path + " does not exist", null))
                .content());
    }

    /** Every key that starts with {@code prefix}, sorted, across all result pages. */
    List<String> listRecords(String prefix);

    /** Deletes {@code path}; deleting an absent object is not an error. */
    void deleteRecord(String path);

    /** Size, last modification and version token of an object; empty when absent. */
    Optional<ObjectMetadata> getMetadata(String path);

    /** Where this store points, for messages: {@code s3://bucket}, {@code file:///root}. */
    String location();

    @Override
    default void close() {
    }
}
