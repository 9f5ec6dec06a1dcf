package com.mantissa.stance.sync.worker;

import com.mantissa.stance.sync.queue.QueueException;
import com.mantissa.stance.sync.queue.QueueMessage;
import com.mantissa.stance.sync.queue.WorkQueue;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The messages of one receive of a {@link QueueWorker}: kept out of other workers' sight while
 * their work runs, then acknowledged, or left for the queue to deliver again.
 */
final class ReceivedBatch {
    /** Time left for acknowledging a message after its push. */
    static final Duration EXTENSION_MARGIN = Duration.ofSeconds(10);

    private final WorkQueue queue;
    private final QueueWorker.Options options;
    private final WorkerLog log;
    private final Map<String, QueueMessage> taken = new LinkedHashMap<>();
    private final Map<String, String> bodies = new LinkedHashMap<>();
    /** Until when (nanoTime) the messages stay out of sight. */
    private long hiddenUntil;

    ReceivedBatch(WorkQueue queue, List<QueueMessage> batch, long receivedAt, QueueWorker.Options options,
                  WorkerLog log) {
        this.queue = queue;
        this.options = options;
        this.log = log;
        for (QueueMessage message : batch) {
            taken.put(message.id(), message);
            bodies.put(message.id(), message.body());
        }
        this.hiddenUntil = receivedAt + options.visibility().toNanos();
    }

    /** The message bodies by message id, in delivery order. */
    Map<String, String> bodies() {
        return bodies;
    }

    /**
     * Called before each source push. A source push may use the whole budget; the messages of
     * the batch still waiting keep out of other workers' sight meanwhile, so that no source is
     * pushed twice at once. They are extended only when the next push might outlast their
     * visibility: most pushes take far less than the budget, and extending ten messages before
     * each push cost up to ten requests per source.
     */
    void keepHidden() {
        long now = System.nanoTime();
        if (needsExtension(now, hiddenUntil, options.work())) {
            taken.replaceAll((id, message) -> extend(message));
            hiddenUntil = now + options.visibility().toNanos();
        }
    }

    /**
     * Acknowledges every message whose id is not in {@code redeliver}; runs
     * {@code leftForRedelivery} once for each that is.
     */
    void settle(Set<String> redeliver, Runnable leftForRedelivery) {
        for (QueueMessage message : taken.values()) {
            if (redeliver.contains(message.id())) {
                leftForRedelivery.run();
            } else {
                queue.ack(message);
            }
        }
    }

    /**
     * Whether messages hidden until {@code hiddenUntil} (nanoTime) must be extended before a push
     * that may take up to {@code work}: when the push, plus a margin for the acknowledgement,
     * could end after they become visible again.
     */
    static boolean needsExtension(long now, long hiddenUntil, Duration work) {
        return now + work.toNanos() + EXTENSION_MARGIN.toNanos() >= hiddenUntil;
    }

    private QueueMessage extend(QueueMessage message) {
        try {
            return queue.extend(message, options.visibility());
        } catch (QueueException e) {
            log.line("WARNING", "could not extend message " + message.id() + ": " + e.getMessage(), null);
            return message;
        }
    }
}
