package com.mantissa.stance.sync.bench;

import com.mantissa.stance.sync.storage.ObjectMetadata;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.MemoryStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tests' in-memory store (conditional writes and all), measured: it counts requests, hands
 * out version tokens the size of an S3 etag so that the push index has its real size, and with
 * {@code keepContent} false forgets record bodies (only the push index under {@code _state/}
 * is kept, since it must be read back) to stream a scan larger than the heap.
 *
 * <p>Transitional: when {@code MemoryStore} itself offers {@code MemoryStore(boolean keepContent)}
 * and {@code requests()}, this class goes and the benchmark uses {@code MemoryStore} directly
 * (the same constructor and method).
 */
final class MeteredMemoryStore implements StorageAdapter {
    /** Length of a quoted S3 etag ({@code "} + 32 hex digits + {@code "}). */
    private static final int ETAG_LENGTH = 34;

    private final MemoryStore store = new MemoryStore();
    private final AtomicLong requests = new AtomicLong();
    private final boolean keepContent;

    MeteredMemoryStore(boolean keepContent) {
        this.keepContent = keepContent;
    }

    long requests() {
        return requests.get();
    }

    @Override
    public String writeRecord(String path, byte[] content, WriteCondition condition) {
        requests.incrementAndGet();
        WriteCondition inner = condition.kind() == WriteCondition.Kind.IF_MATCH
                ? WriteCondition.ifMatch(unwrap(condition.versionToken())) : condition;
        byte[] kept = keepContent || isIndex(path) ? content : new byte[0];
        return wrap(store.writeRecord(path, kept, inner));
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        requests.incrementAndGet();
        if (!keepContent && !isIndex(path) && store.getMetadata(path).isPresent()) {
            throw new IllegalStateException("a store that forgets content cannot return " + path);
        }
        return store.readRecord(path).map(o -> new StoredObject(o.content(), wrap(o.versionToken())));
    }

    @Override
    public List<String> listRecords(String prefix) {
        requests.incrementAndGet();
        return store.listRecords(prefix);
    }

    @Override
    public void deleteRecord(String path) {
        requests.incrementAndGet();
        store.deleteRecord(path);
    }

    @Override
    public Optional<ObjectMetadata> getMetadata(String path) {
        requests.incrementAndGet();
        return store.getMetadata(path)
                .map(m -> new ObjectMetadata(m.size(), m.lastModified(), wrap(m.etag()), m.generation()));
    }

    @Override
    public String location() {
        return "memory://bench";
    }

    private static boolean isIndex(String path) {
        return path.contains("/_state/");
    }

    /** The store's token as an etag-sized one: its length in two digits, itself, padding, in quotes. */
    private static String wrap(String token) {
        StringBuilder sb = new StringBuilder(ETAG_LENGTH).append('"');
        sb.append(String.format(java.util.Locale.ROOT, "%02d", token.length())).append(token);
        while (sb.length() < ETAG_LENGTH - 1) {
            sb.append('0');
        }
        return sb.append('"').toString();
    }

    private static String unwrap(String etag) {
        int length = Integer.parseInt(etag.substring(1, 3));
        return etag.substring(3, 3 + length);
    }
}
