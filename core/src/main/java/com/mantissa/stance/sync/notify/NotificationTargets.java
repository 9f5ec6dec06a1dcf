package com.mantissa.stance.sync.notify;

import com.mantissa.stance.sync.queue.WorkQueues;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    public static final int PUBSUB_MAX_MESSAGE_BYTES = 262_144;

    private static final Pattern TOPIC_ARN = Pattern.compile(
            "arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\\d{12}):([A-Za-z0-9_-]{1,256})(\\.fifo)?");

    private NotificationTargets() {
    }

    /** The kind of target a URI names. */
    private enum Kind { SNS, PUBSUB, AZURE_QUEUE }

    /**
     * Checks the URI's form without building a client, for start-up validation.
     *
     * @throws IllegalArgumentException when {@code uri} is none of the accepted forms
     */
    public static void validate(String uri) {
        kind(uri);
    }

    /** @throws IllegalArgumentException when {@code uri} is none of the accepted forms, or its SDK is left out */
    public static NotificationTarget open(String uri) {
        String text = uri.strip();
        return switch (kind(uri)) {
            case SNS -> {
                requireSns(text);
                yield new SnsNotificationTarget(text);
            }
            case PUBSUB -> new QueueNotificationTarget(WorkQueues.open(text), PUBSUB_MAX_MESSAGE_BYTES);
            case AZURE_QUEUE -> new QueueNotificationTarget(WorkQueues.open(text), AZURE_QUEUE_MAX_MESSAGE_BYTES);
        };
    }

    private static Kind kind(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("a notification target must not be blank: expected " + FORMS);
        }
        String text = uri.strip();
        if (text.startsWith("arn:")) {
            requireTopicArn(text);
            return Kind.SNS;
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
                return Kind.PUBSUB;
            }
            case "azq", "https", "http" -> {
                boolean azure = scheme.equals("azq") || String.valueOf(parsed.getHost()).contains(".queue.core.");
                if (!azure || parsed.getHost() == null || !oneSegment) {
                    throw new IllegalArgumentException("invalid notification target '" + text + "': expected " + FORMS);
                }
                return Kind.AZURE_QUEUE;
            }
            default -> throw new IllegalArgumentException("unsupported notification target '" + text + "': expected "
                    + FORMS);
        }
    }

    /** @throws IllegalArgumentException unless {@code topicArn} is a standard topic's ARN */
    static Matcher requireTopicArn(String topicArn) {
        Matcher m = TOPIC_ARN.matcher(topicArn == null ? "" : topicArn);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid SNS topic ARN '" + topicArn
                    + "': expected arn:aws:sns:REGION:ACCOUNT:TOPIC");
        }
        if (m.group(5) != null) {
            // A FIFO topic needs a message group and deduplication id on every publish and
            // delivers only to SQS FIFO queues: not the email and webhook subscribers a digest is for.
            throw new IllegalArgumentException("SNS topic " + topicArn + " is a FIFO topic: use a standard topic");
        }
        return m;
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
