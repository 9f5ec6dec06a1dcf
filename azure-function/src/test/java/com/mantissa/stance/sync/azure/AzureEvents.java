package com.mantissa.stance.sync.azure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Event Grid documents in the Event Grid schema, shaped as Microsoft documents them for Blob Storage. */
final class AzureEvents {
    private static final AtomicInteger IDS = new AtomicInteger();

    private AzureEvents() {
    }

    /** One BlobCreated event for {@code blobUrl}; {@code subscription} null gives a topic without one. */
    static String blobCreated(String subscription, String blobUrl) {
        String topic = subscription == null
                ? "/resourceGroups/Storage/providers/Microsoft.Storage/storageAccounts/devstoreaccount1"
                : "/subscriptions/" + subscription + "/resourceGroups/Storage/providers/Microsoft.Storage/storageAccounts/devstoreaccount1";
        String path = blobUrl.substring(blobUrl.indexOf(".net/") + 5);
        String container = path.substring(0, path.indexOf('/'));
        String blob = path.substring(path.indexOf('/') + 1);
        return "{\"topic\": \"" + topic + "\", \"subject\": \"/blobServices/default/containers/" + container + "/blobs/"
                + blob + "\", \"eventType\": \"Microsoft.Storage.BlobCreated\", \"eventTime\": \"2026-11-24T06:00:00.0000000Z\","
                + " \"id\": \"831e1650-001e-001b-66ab-" + String.format("%012d", IDS.incrementAndGet()) + "\","
                + " \"data\": {\"api\": \"PutBlockList\", \"contentType\": \"application/octet-stream\","
                + " \"contentLength\": 1024, \"blobType\": \"BlockBlob\", \"url\": \"" + blobUrl + "\","
                + " \"sequencer\": \"00000000000004420000000000028963\"}, \"dataVersion\": \"\", \"metadataVersion\": \"1\"}";
    }

    /** The JSON array Event Grid posts. */
    static String array(List<String> events) {
        return "[" + String.join(", ", new ArrayList<>(events)) + "]";
    }
}
