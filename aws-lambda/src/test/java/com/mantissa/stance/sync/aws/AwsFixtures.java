package com.mantissa.stance.sync.aws;

import com.mantissa.stance.sync.storage.StorageAdapter;
import com.mantissa.stance.sync.storage.StorageLocation;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.testing.VisibleVectors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;

/** The spoke's scan bucket on moto and the handlers' configuration, shared by the handler tests. */
final class AwsFixtures {
    /** The bucket the event documents under {@code events/} name. */
    static final String SOURCE_BUCKET = "spoke-scans";
    /** The account of the vectors' expected records, and of the function in these tests. */
    static final String ACCOUNT = VisibleVectors.ACCOUNT;

    private static final Stores STORES = new Stores();

    private AwsFixtures() {
    }

    static void putObject(MotoServer moto, String key, byte[] content) {
        moto.createBucket(SOURCE_BUCKET);
        moto.setupClient().putObject(b -> b.bucket(SOURCE_BUCKET).key(key), RequestBody.fromBytes(content));
    }

    /** Puts the interop vectors' visible scan as {@code <prefix>/findings/<snapshot>/findings.jsonl} and the assets file. */
    static void putVisibleScan(MotoServer moto, String prefix, String snapshot) {
        putObject(moto, prefix + "/findings/" + snapshot + "/findings.jsonl", VisibleVectors.scanFile("findings.jsonl"));
        putObject(moto, prefix + "/assets/" + snapshot + "/assets.jsonl", VisibleVectors.scanFile("assets.jsonl"));
    }

    /** A fresh central bucket on moto, so each test sees only what its own invocation wrote. */
    static String newS3Central(MotoServer moto, String name) {
        moto.createBucket(name);
        return "s3://" + name;
    }

    static Map<String, String> env(String centralUri) {
        return Map.of("STANCE_CENTRAL_URI", centralUri);
    }

    static StorageAdapter store(String uri) {
        return STORES.open(StorageLocation.parse(uri));
    }

    static byte[] resource(String name) {
        try (InputStream in = AwsFixtures.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
