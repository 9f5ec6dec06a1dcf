package com.mantissa.stance.sync.notify;

import com.mantissa.stance.sync.queue.WorkQueues;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Opens the notification target a URI names:
 * <ul>
 *   <li>an SNS standard topic: its ARN, {@code arn:aws:sns:REGION:ACCOUNT:TOPIC};</li>
 *   <li>a Pub/Sub topic: {@code pubsub://PROJECT/TOPIC};</li>
 *   <li>an Azure Storage queue: {@code azq://ACCOUNT/QUEUE} or
 *       {@code https://ACCOUNT.queue.core.windows.net/QUEUE}.</li>
 * </ul>
 * Each is reached through its SDK's standard endpoint settings, as the work queues and stores are.
 */
public final class NotificationTargets {
    /** The forms, for error messages and help texts. */
    public static final String FORMS = "an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC), pubsub://PROJECT/TOPIC "
            + "or azq://ACCOUNT/QUEUE";
    /**
     * An Azure queue message is at most 64 KiB once Base64-encoded (the encoding a Functions queue
     * trigger expects): 3/4 of that before encoding.
     */
    public static final int AZURE_QUEUE_MAX_MESSAGE_BYTES = 65_536 / 4 * 3;
    /**
     * Pub/Sub takes 10 MB, but a digest is split where SNS splits it, so one push makes the same
     * parts on every cloud and a subscriber never meets a message of megabytes.
     */
    public static final int PUBSUB_MAX_MESSAGE_BYTES = SnsNotificationTarget.MAX_MESSAGE_BYTES;

    private NotificationTargets() {
    }

    /** @throws IllegalArgumentException when {@code uri} is none of the accepted forms, or its SDK is left out */
    public static NotificationTarget open(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("a notification target must not be blank: expected " + FORMS);
        }
        String text = uri.strip();
        if (text.startsWith("arn:")) {
            requireSns(text);
            return new SnsNotificationTarget(text);
        }
        URI parsed;
        try {
            parsed = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid notification target '" + text + "': expected " + FORMS, e);
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        String path = parsed.getPath() == null ? "" : parsed.getPath();
        boolean oneSegment = path.matches("/[^/]+/?");
        switch (scheme) {
            case "pubsub" -> {
                if (parsed.getHost() == null || !oneSegment) {
                    throw new IllegalArgumentException("invalid notification target '" + text
                            + "': expected pubsub://PROJECT/TOPIC");
                }
                return new QueueNotificationTarget(WorkQueues.open(text), PUBSUB_MAX_MESSAGE_BYTES);
            }
            case "azq", "https", "http" -> {
                boolean azure = scheme.equals("azq") || String.valueOf(parsed.getHost()).contains(".queue.core.");
                if (!azure || parsed.getHost() == null || !oneSegment) {
                    throw new IllegalArgumentException("invalid notification target '" + text + "': expected " + FORMS);
                }
                return new QueueNotificationTarget(WorkQueues.open(text), AZURE_QUEUE_MAX_MESSAGE_BYTES);
            }
            default -> throw new IllegalArgumentException("unsupported notification target '" + text + "': expected "
                    + FORMS);
        }
    }

    /** A function artifact carries only its own cloud's SDKs: say which build adds SNS instead of failing later. */
    private static void requireSns(String target) {
        for (String name : new String[] {"software.amazon.awssdk.services.sns.SnsClient",
                "software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient"}) {
            try {
                Class.forName(name, false, NotificationTargets.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalArgumentException("notification target " + target + " needs the SNS adapter (AWS SDK), "
                        + "which this build leaves out (a function artifact carries only its own cloud's SDKs): rebuild "
                        + "the function with the Maven flag -Pwith-aws (or -Pall-clouds) (" + name
                        + " is not on the class path)", e);
            }
        }
    }
}
