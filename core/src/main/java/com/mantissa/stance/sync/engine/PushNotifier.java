package com.mantissa.stance.sync.engine;

import com.mantissa.stance.sync.engine.exec.Retry;
import com.mantissa.stance.sync.model.FindingChange;
import com.mantissa.stance.sync.notify.Digest;
import com.mantissa.stance.sync.notify.NotificationException;
import com.mantissa.stance.sync.notify.NotificationTarget;
import com.mantissa.stance.sync.notify.SeverityThreshold;
import com.mantissa.stance.sync.storage.TransientStorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Tells a notification target what one push changed: the push's {@link Digest} at or above the
 * threshold, in as many messages as the target's size limit needs, nothing when no change reaches
 * it. Each message is published through the same failure policy as a store call ({@link Retry}:
 * throttling and transient failures tried again with backoff and jitter, a refusal not), with a
 * circuit of its own, so a failing target never counts against central's store.
 *
 * <p>It runs after the push has recorded its changes, and is not bound by the push's deadline:
 * the changes are in central by then, and a digest cut short by the clock would be lost.
 */
public final class PushNotifier implements AutoCloseable {
    private final NotificationTarget target;
    private final SeverityThreshold threshold;
    private final Retry retry;

    public PushNotifier(NotificationTarget target, SeverityThreshold threshold) {
        this(target, threshold, Retry.defaults());
    }

    PushNotifier(NotificationTarget target, SeverityThreshold threshold, Retry retry) {
        this.target = Objects.requireNonNull(target, "target");
        this.threshold = Objects.requireNonNull(threshold, "threshold");
        this.retry = Objects.requireNonNull(retry, "retry");
    }

    /** What one push's notification did. */
    public record Sent(String target, int changes, List<String> messageIds) {
        /** Whether a digest went out (false when no change reached the threshold). */
        public boolean any() {
            return !messageIds.isEmpty();
        }
    }

    /**
     * Publishes the digest of each push that recorded changes, one push after another. A push
     * that recorded nothing sends nothing: it had no change, was a dry run, or found its change
     * feed object already written (the same push recorded, and told, by an earlier delivery).
     *
     * @throws NotificationException at the first message that could not be published
     */
    public List<Sent> sendAll(List<PushChanges> pushes) {
        List<Sent> sent = new ArrayList<>();
        for (PushChanges push : pushes) {
            if (push.recorded() && !push.changes().isEmpty()) {
                sent.add(send(push.account(), push.provider(), push.snapshot(), push.push(), push.changes()));
            }
        }
        return sent;
    }

    /**
     * Publishes the digest of one push's changes.
     *
     * @param push the push's id, which a consumer may use to drop a part it has seen
     * @throws NotificationException when a message could not be published: refused, or still
     *                               failing after the retries; the messages before it were sent
     */
    public Sent send(String account, String provider, String snapshot, String push, List<FindingChange> changes) {
        Digest digest = Digest.of(account, provider, snapshot, push, changes, threshold);
        List<String> messages = digest.messages(target.maxMessageBytes());
        List<String> ids = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            String body = messages.get(i);
            int part = i + 1;
            try {
                ids.add(retry.call(() -> publish(body)));
            } catch (TransientStorageException e) {
                Throwable cause = e.getCause() instanceof NotificationException n ? n : e;
                throw new NotificationException("notifying " + target.uri() + " of push " + push + " of account "
                        + account + " stopped at part " + part + " of " + messages.size() + " (" + ids.size()
                        + " sent): " + e.getMessage(), true, cause);
            } catch (NotificationException e) {
                throw new NotificationException("notifying " + target.uri() + " of push " + push + " of account "
                        + account + " stopped at part " + part + " of " + messages.size() + " (" + ids.size()
                        + " sent): " + e.getMessage(), false, e);
            }
        }
        return new Sent(target.uri(), digest.changes().size(), List.copyOf(ids));
    }

    private String publish(String body) {
        try {
            return target.publish(body);
        } catch (NotificationException e) {
            if (!e.retryable()) {
                throw e;
            }
            throw new TransientStorageException(e.getMessage(), e, e.throttled());
        }
    }

    /** Attempts made, first ones included: one request to the target each. */
    public long attempts() {
        return retry.attempts();
    }

    public String target() {
        return target.uri();
    }

    @Override
    public void close() {
        target.close();
    }
}
