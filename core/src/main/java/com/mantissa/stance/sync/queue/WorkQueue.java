package com.mantissa.stance.sync.queue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A cloud work queue as the fan-out uses it: at-least-once delivery of small text messages,
 * each hidden from other receivers while one holds it, and deleted only once its work is done.
 * Adapters: SQS ({@link SqsWorkQueue}), an Azure Storage Queue ({@link AzureStorageWorkQueue})
 * and a Pub/Sub topic with its subscription ({@link PubSubWorkQueue}); {@link WorkQueues#open}
 * picks one from a queue URI.
 *
 * <p>Every failure is a {@link QueueException} that says whether a retry may succeed.
 */
public interface WorkQueue extends AutoCloseable {

    /**
     * Sends one message.
     *
     * @return the platform's id of the new message
     */
    String send(String body);

    /**
     * Takes up to {@code max} messages (fewer when the queue has fewer, or the platform allows
     * fewer per call: see {@link #maxReceive()}), each invisible to other receivers for
     * {@code visibility} unless acknowledged or extended. Waits up to {@code wait} for the
     * first message; an empty list means none arrived in that time.
     */
    List<QueueMessage> receive(int max, Duration visibility, Duration wait);

    /** The work is done: deletes the message for good. */
    void ack(QueueMessage message);

    /**
     * Keeps the message hidden for another {@code visibility} from now (long work).
     *
     * @return the message to acknowledge from now on (Azure hands out a new receipt)
     */
    QueueMessage extend(QueueMessage message, Duration visibility);

    /**
     * Gives the message back at once for another delivery. Each delivery counts towards the
     * dead-letter limit where the queue has one.
     */
    void nack(QueueMessage message);

    /**
     * Where messages go after too many deliveries: the dead-letter queue (SQS redrive policy),
     * dead-letter topic (Pub/Sub subscription policy) or poison queue (Azure, the Functions
     * host's {@code <queue>-poison} convention, which {@link AzureStorageWorkQueue} follows).
     * Empty when the queue has none configured.
     */
    Optional<String> deadLetter();

    /** The most messages one {@link #receive} call can return on this platform. */
    int maxReceive();

    /** The queue's URI, as {@link WorkQueues#open} accepts it, for messages. */
    String uri();

    @Override
    default void close() {
    }
}
