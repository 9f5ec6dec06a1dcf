package com.mantissa.stance.sync.notify;

/**
 * Where a push's digest goes: an SNS topic, a Pub/Sub topic or an Azure Storage queue
 * ({@link NotificationTargets#open} picks one from its URI). Each {@link #publish} is one
 * message of at most {@link #maxMessageBytes()} bytes of UTF-8; the digest is split to fit.
 */
public interface NotificationTarget extends AutoCloseable {

    /**
     * Publishes one message.
     *
     * @return the service's id of the message
     * @throws NotificationException when the service refused it or could not be reached
     */
    String publish(String body);

    /** The largest message body, in bytes of UTF-8, this target takes. */
    int maxMessageBytes();

    /** The target as {@link NotificationTargets#open} accepts it, for messages. */
    String uri();

    @Override
    default void close() {
    }
}
