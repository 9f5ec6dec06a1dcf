package com.mantissa.stance.sync.queue;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Opens the queue a URI names:
 * <ul>
 *   <li>SQS: the queue URL, {@code https://sqs.REGION.amazonaws.com/ACCOUNT/NAME} (any
 *       {@code http(s)} URL that is not an Azure queue URL, so an emulator's
 *       {@code http://127.0.0.1:PORT/ACCOUNT/NAME} too); the endpoint the SDK talks to comes
 *       from its standard settings ({@code AWS_ENDPOINT_URL_SQS}).</li>
 *   <li>Azure Storage Queue: {@code azq://ACCOUNT/QUEUE} or
 *       {@code https://ACCOUNT.queue.core.windows.net/QUEUE}.</li>
 *   <li>Pub/Sub: {@code pubsub://PROJECT/TOPIC/SUBSCRIPTION}; {@code pubsub://PROJECT/TOPIC}
 *       can only send.</li>
 * </ul>
 * A queue whose cloud's SDK this build leaves out is refused with a message naming the build flag
 * that adds it.
 */
public final class WorkQueues {
    /** The forms, for error messages and help texts. */
    public static final String FORMS = "an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME), "
            + "azq://ACCOUNT/QUEUE (or https://ACCOUNT.queue.core.windows.net/QUEUE) or "
            + "pubsub://PROJECT/TOPIC[/SUBSCRIPTION]";

    private WorkQueues() {
    }

    /** @throws IllegalArgumentException when {@code uri} is none of the accepted forms */
    public static WorkQueue open(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("a queue must not be blank: expected " + FORMS);
        }
        String text = uri.strip();
        URI parsed;
        try {
            parsed = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid queue '" + text + "': expected " + FORMS, e);
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        String[] path = segments(parsed.getPath());
        switch (scheme) {
            case "azq" -> {
                if (parsed.getHost() == null || path.length != 1) {
                    throw new IllegalArgumentException("invalid queue '" + text + "': expected azq://ACCOUNT/QUEUE");
                }
                requireSdk(text, "the Azure Storage Queue adapter (Azure SDK)", "azure",
                        "com.azure.storage.queue.QueueServiceClientBuilder", "com.azure.identity.DefaultAzureCredentialBuilder",
                        "com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder");
                return new AzureStorageWorkQueue(parsed.getHost(), path[0]);
            }
            case "pubsub" -> {
                if (parsed.getHost() == null || path.length < 1 || path.length > 2) {
                    throw new IllegalArgumentException("invalid queue '" + text
                            + "': expected pubsub://PROJECT/TOPIC[/SUBSCRIPTION]");
                }
                requireSdk(text, "the Pub/Sub adapter (Google Cloud SDK)", "gcp",
                        "com.google.cloud.pubsub.v1.TopicAdminClient");
                return new PubSubWorkQueue(parsed.getHost(), path[0], path.length == 2 ? path[1] : null);
            }
            case "http", "https" -> {
                String host = parsed.getHost() == null ? "" : parsed.getHost();
                if (host.contains(".queue.core.")) {
                    if (path.length != 1) {
                        throw new IllegalArgumentException("invalid queue '" + text
                                + "': expected https://ACCOUNT.queue.core.windows.net/QUEUE");
                    }
                    requireSdk(text, "the Azure Storage Queue adapter (Azure SDK)", "azure",
                            "com.azure.storage.queue.QueueServiceClientBuilder",
                            "com.azure.identity.DefaultAzureCredentialBuilder",
                            "com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder");
                    return new AzureStorageWorkQueue(host.substring(0, host.indexOf('.')), path[0]);
                }
                if (path.length != 2) {
                    throw new IllegalArgumentException("invalid queue '" + text
                            + "': an SQS queue URL is https://sqs.REGION.amazonaws.com/ACCOUNT/NAME");
                }
                requireSdk(text, "the SQS adapter (AWS SDK)", "aws", "software.amazon.awssdk.services.sqs.SqsClient",
                        "software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient");
                return new SqsWorkQueue(text);
            }
            default -> throw new IllegalArgumentException("unsupported queue '" + text + "': expected " + FORMS);
        }
    }

    /**
     * A function artifact carries only its own cloud's SDKs (README, "Function artifacts"), and an
     * adapter's SDK is loaded only when that adapter is: a queue whose SDK this build left out
     * fails here with one message naming the build flag, instead of a NoClassDefFoundError later.
     */
    private static void requireSdk(String queue, String adapter, String cloud, String... classNames) {
        for (String name : classNames) {
            try {
                Class.forName(name, false, WorkQueues.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalArgumentException("queue " + queue + " needs " + adapter
                        + ", which this build leaves out (a function artifact carries only its own cloud's SDKs):"
                        + " rebuild the function with the Maven flag -Pwith-" + cloud + " (or -Pall-clouds) (" + name
                        + " is not on the class path)", e);
            }
        }
    }

    private static String[] segments(String path) {
        if (path == null) {
            return new String[0];
        }
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }
}
