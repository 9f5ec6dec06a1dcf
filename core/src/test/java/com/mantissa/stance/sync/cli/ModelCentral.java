package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.wire.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where one {@link CentralModelTest} world keeps its central and its export target: two folders,
 * or two buckets on moto. The CLI is given their URIs; the test reads them back through the
 * same store adapters as the engine, so both kinds are checked by one piece of code.
 */
record ModelCentral(String centralUri, String exportUri) {
    enum Kind { FOLDER, S3 }

    private static final Stores STORES = new Stores();
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    static ModelCentral create(Kind kind, Path dir) {
        return switch (kind) {
            case FOLDER -> new ModelCentral(dir.resolve("central").toString(), dir.resolve("export").toString());
            case S3 -> {
                // jqwik runs no JUnit extension: the server is asked for as a @BeforeAll would.
                MotoServer moto = Emulators.get(MotoServer.class, null);
                String name = "model-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
                moto.createBucket(name + "-central");
                moto.createBucket(name + "-export");
                yield new ModelCentral("s3://" + name + "-central", "s3://" + name + "-export");
            }
        };
    }

    /** Every record of central (findings and assets, no engine objects), by id. */
    Map<String, Map<String, Object>> records() {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        StorageAdapter central = store(centralUri);
        for (String kind : List.of("aggregated/findings/", "aggregated/assets/")) {
            for (String key : central.listRecords(kind)) {
                if (key.endsWith(".json")) {
                    Map<String, Object> record = JsonParser.parseObject(read(central, key).orElseThrow());
                    out.put((String) record.get("id"), record);
                }
            }
        }
        return out;
    }

    /** Every key of central under {@code prefix}. */
    List<String> keys(String prefix) {
        return store(centralUri).listRecords(prefix);
    }

    void delete(String key) {
        store(centralUri).deleteRecord(key);
    }

    /** An object of the export target as text; empty when there is none. */
    Optional<String> exported(String key) {
        return read(store(exportUri), key);
    }

    static void closeAll() {
        STORES.close();
    }

    private static StorageAdapter store(String uri) {
        return STORES.open(StorageLocation.parse(uri));
    }

    private static Optional<String> read(StorageAdapter store, String key) {
        return store.readRecord(key).map(o -> new String(o.content(), StandardCharsets.UTF_8));
    }
}
