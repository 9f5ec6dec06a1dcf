package com.mantissa.stance.sync.storage;

import java.util.List;
import java.util.Optional;

/**
 * A flat key/value object store: the original's five operations plus a version token on
 * read and native conditional writes, which is what lets concurrent writers never lose an
 * update.
 *
 * <p>Keys are full object keys ({@code aggregated/findings/…}); an adapter never rewrites
 * them. Every failure is one of the core's {@link StorageException} subtypes, never an SDK
 * type, and a failed read is never reported as an absent object:
 * <ul>
 *   <li>{@link InvalidKeyException}: this key cannot be held here (over the store's limit, or
 *       unsafe); that record's problem, raised before any request. Limits: S3, GCS and Azure
 *       keys 1,024 UTF-8 bytes; a folder store 255 bytes per {@code /}-separated name.</li>
 *   <li>{@link PermanentStorageException}: the store itself is unusable: a missing bucket or
 *       container, access denied, a folder store whose root is a regular file or cannot be
 *       written, and {@link #listRecords} on a folder store whose root does not exist (a pull
 *       from a mistyped folder). Raised on the first call that meets it, with a message that
 *       names the location and never credentials.</li>
 *   <li>{@link TransientStorageException}: throttling, server errors, dropped, refused or
 *       timed-out connections; worth repeating later.</li>
 *   <li>{@link PreconditionFailedException}: a conditional write lost a race.</li>
 *   <li>{@link NotFoundException}: only from {@link #openStream} of an absent object.</li>
 * </ul>
 *
 * <p>Each call is one attempt: the cloud adapters' SDK clients do not retry (see
 * {@link StorageTimeouts}); whoever calls decides about repeating. An existence or metadata
 * check ({@link #getMetadata}) never reads the object's content, on any store.
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
