package com.mantissa.stance.sync.queue;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.httpjson.HttpJsonCallContext;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.DeadlineExceededException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.Subscription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A Google Cloud Pub/Sub topic and the subscription its workers pull from:
 * {@code pubsub://project/topic/subscription}. A sender needs only
 * {@code pubsub://project/topic}; receiving without a subscription is a configuration error.
 *
 * <p>Spoken over Pub/Sub's REST transport with Application Default Credentials; when
 * {@code PUBSUB_EMULATOR_HOST} is set (system property first, then the environment) the
 * emulator there is used without credentials, as every Google client library does. The
 * dead-letter topic is the subscription's dead-letter policy, which Pub/Sub applies itself;
 * the delivery count is known only when such a policy is set.
 */
public final class PubSubWorkQueue implements WorkQueue {
    /** Messages per pull: Pub/Sub allows more, but a worker handles them one by one. */
    public static final int MAX_RECEIVE = 100;
    static final String EMULATOR_HOST_SETTING = "PUBSUB_EMULATOR_HOST";
    /** Pub/Sub's ack deadline bounds. */
    private static final int MIN_ACK_SECONDS = 10;
    private static final int MAX_ACK_SECONDS = 600;
    private static final Set<StatusCode.Code> RETRYABLE = Set.of(StatusCode.Code.UNAVAILABLE,
            StatusCode.Code.DEADLINE_EXCEEDED, StatusCode.Code.RESOURCE_EXHAUSTED, StatusCode.Code.INTERNAL,
            StatusCode.Code.ABORTED, StatusCode.Code.UNKNOWN);

    private final String project;
    private final String topic;
    private final String subscription;
    private volatile TopicAdminClient publisher;
    private volatile SubscriptionAdminClient subscriber;

    /** @param subscription null for a queue that only sends */
    public PubSubWorkQueue(String project, String topic, String subscription) {
        if (project == null || project.isBlank() || topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("a Pub/Sub queue needs a project and a topic: pubsub://project/topic[/subscription]");
        }
        this.project = project;
        this.topic = topic;
        this.subscription = subscription == null || subscription.isBlank() ? null : subscription;
    }

    private String topicName() {
        return "projects/" + project + "/topics/" + topic;
    }

    private String subscriptionName() {
        if (subscription == null) {
            throw new QueueException(uri() + " names no subscription to receive from: use pubsub://"
                    + project + "/" + topic + "/SUBSCRIPTION", false, null);
        }
        return "projects/" + project + "/subscriptions/" + subscription;
    }

    private synchronized TopicAdminClient publisher() {
        if (publisher == null) {
            publisher = build(() -> {
                TopicAdminSettings.Builder b = TopicAdminSettings.newHttpJsonBuilder();
                String emulator = QueueSettings.get(EMULATOR_HOST_SETTING);
                if (emulator != null) {
                    b.setEndpoint(endpoint(emulator)).setCredentialsProvider(NoCredentialsProvider.create());
                }
                return TopicAdminClient.create(b.build());
            });
        }
        return publisher;
    }

    private synchronized SubscriptionAdminClient subscriber() {
        if (subscriber == null) {
            subscriber = build(() -> {
                SubscriptionAdminSettings.Builder b = SubscriptionAdminSettings.newHttpJsonBuilder();
                String emulator = QueueSettings.get(EMULATOR_HOST_SETTING);
                if (emulator != null) {
                    b.setEndpoint(endpoint(emulator)).setCredentialsProvider(NoCredentialsProvider.create());
                }
                return SubscriptionAdminClient.create(b.build());
            });
        }
        return subscriber;
    }

    /** The emulator speaks plain HTTP; the REST transport assumes HTTPS unless told. */
    private static String endpoint(String emulatorHost) {
        return emulatorHost.contains("://") ? emulatorHost : "http://" + emulatorHost;
    }

    private interface ClientFactory<T> {
        T create() throws IOException;
    }

    private <T> T build(ClientFactory<T> factory) {
        try {
            return factory.create();
        } catch (IOException e) {
            throw new QueueException("cannot create a Pub/Sub client for " + uri() + ": " + e.getMessage(), false, e);
        }
    }

    @Override
    public String send(String body) {
        PubsubMessage message = PubsubMessage.newBuilder().setData(ByteString.copyFrom(body, StandardCharsets.UTF_8)).build();
        return call("publish to", () -> publisher().publish(topicName(), List.of(message)).getMessageIds(0));
    }

    @Override
    public List<QueueMessage> receive(int max, Duration visibility, Duration wait) {
        String name = subscriptionName();
        PullRequest request = PullRequest.newBuilder().setSubscription(name)
                .setMaxMessages(Math.max(1, Math.min(max, MAX_RECEIVE)))
                .build();
        // A pull waits on the server until a message arrives or its deadline passes; the call's
        // timeout is the wait (at least a second, for the round trip).
        Duration callTimeout = wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait;
        List<ReceivedMessage> received;
        try {
            received = call("pull from", () -> subscriber().pullCallable()
                    .call(request, HttpJsonCallContext.createDefault().withTimeoutDuration(callTimeout))
                    .getReceivedMessagesList());
        } catch (QueueException e) {
            if (e.getCause() instanceof DeadlineExceededException) {
                return List.of();
            }
            throw e;
        }
        List<String> ackIds = new ArrayList<>(received.size());
        List<QueueMessage> messages = new ArrayList<>(received.size());
        for (ReceivedMessage r : received) {
            ackIds.add(r.getAckId());
            messages.add(new QueueMessage(r.getMessage().getMessageId(),
                    r.getMessage().getData().toString(StandardCharsets.UTF_8), r.getAckId(), r.getDeliveryAttempt()));
        }
        if (!ackIds.isEmpty()) {
            modifyDeadline(ackIds, ackSeconds(visibility));
        }
        return messages;
    }

    @Override
    public void ack(QueueMessage message) {
        call("acknowledge in", () -> {
            subscriber().acknowledge(subscriptionName(), List.of(message.receipt()));
            return null;
        });
    }

    @Override
    public QueueMessage extend(QueueMessage message, Duration visibility) {
        modifyDeadline(List.of(message.receipt()), ackSeconds(visibility));
        return message;
    }

    @Override
    public void nack(QueueMessage message) {
        modifyDeadline(List.of(message.receipt()), 0);
    }

    private void modifyDeadline(List<String> ackIds, int seconds) {
        call("modify the ack deadline in", () -> {
            subscriber().modifyAckDeadline(subscriptionName(), ackIds, seconds);
            return null;
        });
    }

    @Override
    public Optional<String> deadLetter() {
        Subscription s = call("read", () -> subscriber().getSubscription(subscriptionName()));
        String topicName = s.hasDeadLetterPolicy() ? s.getDeadLetterPolicy().getDeadLetterTopic() : "";
        return topicName.isEmpty() ? Optional.empty() : Optional.of(topicName);
    }

    @Override
    public int maxReceive() {
        return MAX_RECEIVE;
    }

    @Override
    public String uri() {
        return "pubsub://" + project + "/" + topic + (subscription == null ? "" : "/" + subscription);
    }

    @Override
    public synchronized void close() {
        if (publisher != null) {
            publisher.close();
        }
        if (subscriber != null) {
            subscriber.close();
        }
    }

    private static int ackSeconds(Duration d) {
        return (int) Math.min(MAX_ACK_SECONDS, Math.max(MIN_ACK_SECONDS, (d.toMillis() + 999) / 1000));
    }

    private <T> T call(String operation, Supplier<T> request) {
        try {
            return request.get();
        } catch (QueueException own) {
            throw own;
        } catch (ApiException e) {
            StatusCode.Code code = e.getStatusCode().getCode();
            throw new QueueException(operation + " " + uri() + ": " + code, RETRYABLE.contains(code) || e.isRetryable(), e);
        }
    }
}
