package com.mantissa.stance.sync.notify;

import com.mantissa.stance.sync.queue.QueueException;
import com.mantissa.stance.sync.queue.WorkQueue;

/**
 * A Pub/Sub topic or an Azure Storage queue as a notification target: the work queue adapter's
 * send, which already speaks each service (and finds its emulator) as the fan-out does.
 */
final class QueueNotificationTarget implements NotificationTarget {
    private final WorkQueue queue;
    private final int maxMessageBytes;

    QueueNotificationTarget(WorkQueue queue, int maxMessageBytes) {
        this.queue = queue;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public String publish(String body) {
        try {
            return queue.send(body);
        } catch (QueueException e) {
            throw new NotificationException(e.getMessage(), e.retryable(), e);
        }
    }

    @Override
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    @Override
    public String uri() {
        return queue.uri();
    }

    @Override
    public void close() {
        queue.close();
    }
}
