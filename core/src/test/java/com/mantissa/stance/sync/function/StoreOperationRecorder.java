package com.mantissa.stance.sync.function;

import com.mantissa.stance.sync.storage.ObjectMetadata;
import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StoredObject;
import com.mantissa.stance.sync.storage.WriteCondition;
import com.mantissa.stance.sync.testing.ForwardingStore;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Records which kind of operation a function's work performs on which class of key of one store
 * (a real in-memory one behind it): the store-level facts a deployment's grants must cover.
 *
 * <p>Keys of central are named by the pattern a grant would use: record keys
 * {@code findings/????/{account}/*}, the account's state {@code _state/{account}/*} and its resume
 * checkpoints {@code _state/{account}/resume/*}, its change feed {@code _changes/{account}/*}; a
 * listing by the folder it lists. Every other
 * store (source, export target, pull target) is one class, {@code *}.
 */
final class StoreOperationRecorder extends ForwardingStore {
    /** Reads of content or metadata. */
    static final String READ = "read";
    /** A write with a version precondition (create-only or replace-if-unchanged). */
    static final String WRITE_IF = "conditional-write";
    static final String WRITE = "write";
    static final String LIST = "list";
    static final String DELETE = "delete";

    /** A record's key; an id may hold '/' (Security Hub's ARNs do), which a grant's trailing '*' covers. */
    private static final Pattern RECORD = Pattern.compile("(findings|assets)/[0-9a-f]{4}/[^/]+/.+");
    private static final Pattern STATE = Pattern.compile("_state/[^/]+/(resume/)?[^/]+");
    private static final Pattern CHANGES = Pattern.compile("_changes/[^/]+/dt=[0-9-]+/[^/]+\\.jsonl");

    private final String name;
    private final String base;
    private final Map<String, Set<String>> operations = new ConcurrentHashMap<>();

    /** @param centralPrefix the central prefix for central, or null for any other store */
    StoreOperationRecorder(String name, StorageAdapter delegate, String centralPrefix) {
        super(delegate);
        this.name = name;
        this.base = centralPrefix == null ? null : centralPrefix.isEmpty() ? "" : centralPrefix + "/";
    }

    String name() {
        return name;
    }

    /** Key class to the sorted operations performed on it. */
    Map<String, Set<String>> operations() {
        Map<String, Set<String>> sorted = new TreeMap<>();
        operations.forEach((k, v) -> sorted.put(k, new TreeSet<>(v)));
        return sorted;
    }

    private void note(String operation, String keyClass) {
        operations.computeIfAbsent(keyClass, k -> ConcurrentHashMap.newKeySet()).add(operation);
    }

    private String keyClass(String key) {
        if (base == null) {
            return "*";
        }
        if (!key.startsWith(base)) {
            throw new AssertionError(name + ": a key outside the central prefix: " + key);
        }
        String rest = key.substring(base.length());
        if (RECORD.matcher(rest).matches()) {
            return rest.substring(0, rest.indexOf('/')) + "/????/{account}/*";
        }
        Matcher state = STATE.matcher(rest);
        if (state.matches()) {
            return state.group(1) == null ? "_state/{account}/*" : "_state/{account}/resume/*";
        }
        if (CHANGES.matcher(rest).matches()) {
            return "_changes/{account}/*";
        }
        throw new AssertionError(name + ": a key of no known class: " + key);
    }

    private String listClass(String prefix) {
        if (base == null) {
            return "*";
        }
        String rest = prefix.substring(base.length());
        if (rest.matches("(findings|assets)/[0-9a-f]?")) {
            return rest.substring(0, rest.indexOf('/') + 1);
        }
        if (rest.equals("_state/")) {
            return rest;
        }
        if (rest.matches("_state/[^/]+/")) {
            return "_state/{account}/";
        }
        throw new AssertionError(name + ": a listing of no known class: " + prefix);
    }

    @Override
    public String writeRecord(String path, byte[] content, WriteCondition condition) {
        note(condition == WriteCondition.NONE ? WRITE : WRITE_IF, keyClass(path));
        return delegate.writeRecord(path, content, condition);
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        note(READ, keyClass(path));
        return delegate.readRecord(path);
    }

    @Override
    public InputStream openStream(String path) {
        note(READ, keyClass(path));
        return delegate.openStream(path);
    }

    @Override
    public List<String> listRecords(String prefix) {
        note(LIST, listClass(prefix));
        return delegate.listRecords(prefix);
    }

    @Override
    public void deleteRecord(String path) {
        note(DELETE, keyClass(path));
        delegate.deleteRecord(path);
    }

    @Override
    public Optional<ObjectMetadata> getMetadata(String path) {
        note(READ, keyClass(path));
        return delegate.getMetadata(path);
    }
}
