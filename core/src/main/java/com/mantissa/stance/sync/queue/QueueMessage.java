package com.mantissa.stance.sync.queue;

/**
 * One received message.
 *
 * @param id            the platform's message id
 * @param body          the text that was sent
 * @param receipt       the handle that acknowledges or extends this delivery (SQS receipt
 *                      handle, Azure pop receipt, Pub/Sub ack id)
 * @param deliveryCount how many times the message has been delivered, this time included
 *                      (0 when the platform does not count, as Pub/Sub without a dead-letter
 *                      policy)
 */
public record QueueMessage(String id, String body, String receipt, int deliveryCount) {
}
