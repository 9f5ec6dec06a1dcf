package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.model.Asset;
import com.mantissa.stance.sync.model.Finding;
import java.io.Closeable;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Records waiting to be pushed: an in-memory collection, or a scan file that is only opened,
 * and then streamed, when the sync runs.
 */
final class RecordSource {
    private final RecordKind kind;
    private final String name;
    private final String accountId;
    private final String provider;
    private final Opener opener;

    private RecordSource(RecordKind kind, String name, String accountId, String provider, Opener opener) {
        this.kind = kind;
        this.name = name;
        this.accountId = accountId;
        this.provider = provider;
        this.opener = opener;
    }

    /** One input record: its raw content, or why it could not be read, and where it came from. */
    record Item(String origin, Map<String, Object> raw, String error) {
    }

    /** A closable iterator over a source's items. */
    interface Items extends Iterator<Item>, Closeable {
    }

    private interface Opener {
        Items open() throws IOException;
    }

    static RecordSource ofCollection(RecordKind kind, Iterable<?> records, String accountId, String provider) {
        String name = kind.folder();
        return new RecordSource(kind, name, accountId, provider, () -> new Items() {
            private final Iterator<?> it = records.iterator();
            private int index;

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Item next() {
                Object next = it.next();
                String origin = name + "[" + index++ + "]";
                return toItem(origin, next);
            }

            @Override
            public void close() {
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Item toItem(String origin, Object record) {
        if (record instanceof Finding f) {
            return new Item(origin, f.toMap(), null);
        }
        if (record instanceof Asset a) {
            return new Item(origin, a.toMap(), null);
        }
        if (record instanceof Map<?, ?> m) {
            return new Item(origin, (Map<String, Object>) m, null);
        }
        return new Item(origin, null, origin + ": expected a Finding, an Asset or a map, got "
                + (record == null ? "null" : record.getClass().getSimpleName()));
    }

    static RecordSource ofScanFile(RecordKind kind, String displayName, CrossCloudSync.ScanInput input,
                                   String accountId, String provider) {
        return new RecordSource(kind, displayName, accountId, provider, () -> {
            ScanFileReader reader = ScanFileReader.open(displayName, input.open());
            return new Items() {
                @Override
                public boolean hasNext() {
                    return reader.hasNext();
                }

                @Override
                public Item next() {
                    ScanLine line = reader.next();
                    return new Item(displayName + " line " + line.lineNumber(), line.object(), line.error());
                }

                @Override
                public void close() throws IOException {
                    reader.close();
                }
            };
        });
    }

    Items open() throws IOException {
        return opener.open();
    }

    RecordKind kind() {
        return kind;
    }

    String name() {
        return name;
    }

    String accountId() {
        return accountId;
    }

    String provider() {
        return provider;
    }
}
