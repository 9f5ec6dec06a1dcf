package com.mantissa.stance.sync.engine.scan;

import com.mantissa.stance.sync.engine.CrossCloudSync;
import com.mantissa.stance.sync.engine.index.CountedAs;
import com.mantissa.stance.sync.engine.index.LineHash;
import com.mantissa.stance.sync.engine.index.PushIndex;
import com.mantissa.stance.sync.formats.Format;
import com.mantissa.stance.sync.model.Asset;
import com.mantissa.stance.sync.model.Finding;
import com.mantissa.stance.sync.model.RecordKind;
import com.mantissa.stance.sync.wire.CanonicalJson;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Records waiting to be pushed: an in-memory collection, or a scan file that is only opened,
 * and then streamed, when the sync runs.
 */
public final class RecordSource {
    private final RecordKind kind;
    private final String name;
    private final String accountId;
    private final String provider;
    private final Opener opener;
    /** Bytes of a scan file, -1 when not known (or not a file). */
    private final long size;
    /** The scan file's version as its store showed it before the push; null when not known. */
    private final ScanFileVersion fileVersion;

    private RecordSource(RecordKind kind, String name, String accountId, String provider, Opener opener, long size) {
        this(kind, name, accountId, provider, opener, size, null);
    }

    private RecordSource(RecordKind kind, String name, String accountId, String provider, Opener opener, long size,
                         ScanFileVersion fileVersion) {
        this.fileVersion = fileVersion;
        this.kind = kind;
        this.name = name;
        this.accountId = accountId;
        this.provider = provider;
        this.opener = opener;
        this.size = size;
    }

    /**
     * One input record: its raw content, or why it could not be read, and where it came from;
     * for a scan line, also its {@link Line}.
     */
    public record Item(String origin, Map<String, Object> raw, String error, Line line) {
        public Item(String origin, Map<String, Object> raw, String error) {
            this(origin, raw, error, null);
        }

        /** Whether the push index knows this line from its bytes: it was not parsed. */
        public boolean known() {
            return line != null && line.known() != null;
        }

        /** A scan line handed on as bytes, still to be parsed ({@link RecordSource#parsed}). */
        public boolean unparsed() {
            return raw == null && error == null && line != null && line.known() == null && line.bytes() != null;
        }
    }

    /**
     * A scan line as {@link KnownLines} saw it: its hash, and for a line the index knows, the
     * key of its record, how it counts in the account's status and its bytes (parsed only if
     * another record of the batch has that key).
     */
    public record Line(LineHash hash, PushIndex.Key known, byte[] bytes, CountedAs counted) {
    }

    /** A closable iterator over a source's items. */
    public interface Items extends Iterator<Item>, Closeable {
        /** Bytes of a scan file read so far (read ahead of the items returned by up to one buffer). */
        default long bytesRead() {
            return 0;
        }

        /** What was read by a documented fallback since the last call (a producer's Unknown severity); each once. */
        default List<String> takeWarnings() {
            return List.of();
        }

        /**
         * A digest of the content read so far: of a scan file its bytes, of a collection its
         * records' JSON. Equal content gives an equal digest.
         */
        default String contentDigest() {
            return "";
        }
    }

    private interface Opener {
        public Items open(KnownLines known) throws IOException;
    }

    public static RecordSource ofCollection(RecordKind kind, Iterable<?> records, String accountId, String provider) {
        String name = kind.folder();
        return new RecordSource(kind, name, accountId, provider, known -> new Items() {
            private final Iterator<?> it = records.iterator();
            private final CRC32C crc = new CRC32C();
            private int index;

            @Override
            public String contentDigest() {
                return Long.toHexString(crc.getValue()) + ":" + index;
            }

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Item next() {
                Object next = it.next();
                String origin = name + "[" + index++ + "]";
                Item item = toItem(origin, next);
                crc.update(digestBytes(item.raw()));
                return item;
            }

            @Override
            public void close() {
            }
        }, -1);
    }

    /** A record's JSON for the content digest; its text when it holds a value JSON has no form for. */
    private static byte[] digestBytes(Map<String, Object> raw) {
        if (raw == null) {
            return new byte[] {0};
        }
        try {
            return CanonicalJson.bytes(raw);
        } catch (RuntimeException notJson) {
            return raw.toString().getBytes(StandardCharsets.UTF_8);
        }
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

    /** @param size the file's bytes, -1 when not known */
    public static RecordSource ofScanFile(RecordKind kind, String displayName, CrossCloudSync.ScanInput input,
                                   String accountId, String provider, long size) {
        return ofScanFile(kind, displayName, input, accountId, provider, size, null);
    }

    /**
     * @param size        the file's bytes, -1 when not known
     * @param fileVersion the file's version as its store showed it before the push; null when not known
     */
    public static RecordSource ofScanFile(RecordKind kind, String displayName, CrossCloudSync.ScanInput input,
                                   String accountId, String provider, long size, ScanFileVersion fileVersion) {
        return new RecordSource(kind, displayName, accountId, provider, known -> {
            CountedInput counted = new CountedInput(input.open());
            ScanFileReader reader = ScanFileReader.open(displayName, counted);
            reader.filter(known);
            return new Items() {
                @Override
                public long bytesRead() {
                    return counted.count();
                }

                @Override
                public String contentDigest() {
                    return counted.digest();
                }

                @Override
                public boolean hasNext() {
                    return reader.hasNext();
                }

                @Override
                public Item next() {
                    ScanLine line = reader.next();
                    Line seen = known == null ? null : known.take();
                    String origin = displayName + " line " + line.lineNumber();
                    if (line.object() == null && line.error() == null) {
                        return new Item(origin, null, null, seen);
                    }
                    return new Item(origin, line.object(), line.error(),
                            seen == null ? null : new Line(seen.hash(), null, null, null));
                }

                @Override
                public void close() throws IOException {
                    reader.close();
                }
            };
        }, size, fileVersion);
    }

    /** A located file: a Stance scan file, or one kind of a producer file ({@link ScanLocator.ScanFile#producer()}). */
    public static RecordSource ofFile(ScanLocator.ScanFile file, CrossCloudSync.ScanInput input, String accountId,
                                      String provider, long size, boolean reportsProblems, ScanFileVersion version) {
        return file.producer() ? ofProducerFile(file.kind(), file.displayName(), file.format(), input, accountId,
                provider, size, reportsProblems, version)
                : ofScanFile(file.kind(), file.displayName(), input, accountId, provider, size, version);
    }

    /**
     * The records of {@code kind} in another producer's file ({@link Format#OCSF}, {@link Format#ASFF}),
     * mapped onto Stance records; per-element errors and warnings only where {@code reportsProblems}
     * (one of the file's sources), so that a file read once per kind reports each once.
     *
     * @param size    the file's bytes, -1 when not known
     * @param version the file's version as its store showed it before the push; null when not known
     */
    public static RecordSource ofProducerFile(RecordKind kind, String displayName, Format format,
                                              CrossCloudSync.ScanInput input, String accountId, String provider,
                                              long size, boolean reportsProblems, ScanFileVersion version) {
        return new RecordSource(kind, displayName, accountId, provider, known -> new ProducerItems(
                new CountedInput(input.open()), displayName, format, kind, accountId, provider, reportsProblems), size,
                version);
    }

    public Items open() throws IOException {
        return opener.open(null);
    }

    /** Opens the source; scan lines that {@code known} recognises come back unparsed ({@link Item#known()}). */
    public Items open(KnownLines known) throws IOException {
        return opener.open(known);
    }

    /** The record of a line that came back unparsed, for when it must be pushed in order after all. */
    public Item parsed(Item item) {
        int n = Integer.parseInt(item.origin().substring(item.origin().lastIndexOf(' ') + 1));
        ScanLine line = ScanFileReader.parse(name, n, item.line().bytes());
        return new Item(item.origin(), line.object(), line.error(), new Line(item.line().hash(), null, null, null));
    }

    public RecordKind kind() {
        return kind;
    }

    public long size() {
        return size;
    }

    /** The scan file's version as its store showed it before the push; null when not known. */
    public ScanFileVersion fileVersion() {
        return fileVersion;
    }

    public String name() {
        return name;
    }

    public String accountId() {
        return accountId;
    }

    public String provider() {
        return provider;
    }
}
