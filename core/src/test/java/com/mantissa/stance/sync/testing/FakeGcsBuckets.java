package com.mantissa.stance.sync.testing;

import com.google.gson.JsonObject;
import com.mantissa.stance.sync.testing.FakeGcsHttp.BadRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The data of {@link FakeGcsJsonApiServer}: buckets of objects, with GCS's rules for
 * generations. Every method holds the monitor, so a precondition check and the write it guards
 * are one atomic step, as on GCS. Refusals are {@link BadRequest}s with GCS's status and reason.
 */
final class FakeGcsBuckets {
    /** One stored object: its bytes and the generation that wrote them. */
    record Blob(byte[] data, long generation, Instant updated, String contentType) {
        /** The object resource the JSON API answers with. */
        JsonObject resource(String bucket, String name) {
            JsonObject o = new JsonObject();
            o.addProperty("kind", "storage#object");
            o.addProperty("id", bucket + "/" + name + "/" + generation);
            o.addProperty("name", name);
            o.addProperty("bucket", bucket);
            o.addProperty("generation", Long.toString(generation));
            o.addProperty("metageneration", "1");
            o.addProperty("contentType", contentType);
            o.addProperty("storageClass", "STANDARD");
            o.addProperty("size", Integer.toString(data.length));
            o.addProperty("md5Hash", md5());
            o.addProperty("crc32c", crc32c(data));
            o.addProperty("etag", etag());
            o.addProperty("timeCreated", updated.toString());
            o.addProperty("updated", updated.toString());
            return o;
        }

        String etag() {
            return Base64.getEncoder().withoutPadding()
                    .encodeToString(ByteBuffer.allocate(8).putLong(generation).array());
        }

        String md5() {
            try {
                return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One page of a listing, and whether more names follow it. */
    record Page(List<Map.Entry<String, Blob>> items, boolean more) {
    }

    // bucket -> (name -> object), names in GCS list order (UTF-8 bytes).
    private final Map<String, NavigableMap<String, Blob>> buckets = new HashMap<>();
    private long lastGeneration = Instant.now().toEpochMilli() * 1000;

    static String crc32c(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Creates the bucket; false when it exists already. */
    synchronized boolean create(String bucket) {
        if (buckets.containsKey(bucket)) {
            return false;
        }
        buckets.put(bucket, new TreeMap<>(FakeGcsBuckets::compareUtf8));
        return true;
    }

    /** Writes an uploaded object, the {@code crc32c} the metadata gives and the precondition checked. */
    Blob store(String bucket, String name, JsonObject metadata, byte[] data, Long generationMatch) {
        if (metadata.has("crc32c")) {
            String expected = metadata.get("crc32c").getAsString();
            String actual = crc32c(data);
            if (!expected.equals(actual)) {
                throw new BadRequest(400, "invalid", "Provided CRC32C \"" + expected + "\" doesn't match calculated CRC32C \"" + actual + "\".");
            }
        }
        String contentType = metadata.has("contentType") ? metadata.get("contentType").getAsString() : "application/octet-stream";
        synchronized (this) {
            NavigableMap<String, Blob> objects = bucketOrThrow(bucket);
            requireGeneration(objects.get(name), generationMatch);
            lastGeneration = Math.max(lastGeneration + 1, Instant.now().toEpochMilli() * 1000);
            Blob stored = new Blob(data.clone(), lastGeneration, Instant.now(), contentType);
            objects.put(name, stored);
            return stored;
        }
    }

    /** Refuses with 412 when {@code generationMatch} is given and is not the object's (0: absent). */
    synchronized void requireGeneration(String bucket, String name, Long generationMatch) {
        requireGeneration(bucketOrThrow(bucket).get(name), generationMatch);
    }

    /** The object; refuses with 404 when it or the bucket is missing. */
    synchronized Blob get(String bucket, String name) {
        Blob stored = bucketOrThrow(bucket).get(name);
        if (stored == null) {
            throw noSuchObject(bucket, name);
        }
        return stored;
    }

    synchronized void delete(String bucket, String name, Long generationMatch) {
        NavigableMap<String, Blob> objects = bucketOrThrow(bucket);
        Blob current = objects.get(name);
        if (current == null) {
            throw noSuchObject(bucket, name);
        }
        requireGeneration(current, generationMatch);
        objects.remove(name);
    }

    /** Up to {@code pageSize} names starting with {@code prefix}, after {@code after} when given. */
    synchronized Page list(String bucket, String prefix, String after, int pageSize) {
        NavigableMap<String, Blob> objects = bucketOrThrow(bucket);
        NavigableMap<String, Blob> tail = after == null ? objects.tailMap(prefix, true) : objects.tailMap(after, false);
        List<Map.Entry<String, Blob>> page = new ArrayList<>();
        for (Map.Entry<String, Blob> e : tail.entrySet()) {
            // Names sharing a prefix are contiguous in byte order.
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            if (page.size() == pageSize) {
                return new Page(page, true);
            }
            page.add(Map.entry(e.getKey(), e.getValue()));
        }
        return new Page(page, false);
    }

    static BadRequest noSuchObject(String bucket, String name) {
        return new BadRequest(404, "notFound", "No such object: " + bucket + "/" + name);
    }

    static BadRequest preconditionFailed() {
        return new BadRequest(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
    }

    private static void requireGeneration(Blob current, Long generationMatch) {
        if (generationMatch != null && (current == null ? 0 : current.generation()) != generationMatch) {
            throw preconditionFailed();
        }
    }

    private NavigableMap<String, Blob> bucketOrThrow(String bucket) {
        NavigableMap<String, Blob> objects = buckets.get(bucket);
        if (objects == null) {
            throw new BadRequest(404, "notFound", "The specified bucket does not exist.");
        }
        return objects;
    }

    private static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
