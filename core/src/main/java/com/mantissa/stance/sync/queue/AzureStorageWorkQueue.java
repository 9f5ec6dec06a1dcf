package com.mantissa.stance.sync.queue;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.QueueServiceClientBuilder;
import com.azure.storage.queue.models.QueueMessageItem;
import com.azure.storage.queue.models.QueueStorageException;
import com.azure.storage.queue.models.UpdateMessageResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An Azure Storage Queue: {@code azq://account/queue} or its URL
 * {@code https://account.queue.core.windows.net/queue}.
 *
 * <p>When {@code AZURE_STORAGE_CONNECTION_STRING} is set (system property first, then the
 * environment) its account and {@code QueueEndpoint} are used, which is how Azurite is reached;
 * otherwise the account's public endpoint with {@code DefaultAzureCredential}.
 *
 * <p>Messages are Base64-encoded, the encoding an Azure Functions queue trigger expects by
 * default. A storage queue has no dead-letter queue of its own; the Functions host moves a
 * message that was dequeued {@code maxDequeueCount} times (5) to {@code <queue>-poison}, and this
 * adapter does the same on receive, so a worker outside Azure Functions behaves alike.
 */
public final class AzureStorageWorkQueue implements WorkQueue {
    /** Azure returns at most 32 messages a call. */
    public static final int MAX_RECEIVE = 32;
    /** The Functions host's default {@code maxDequeueCount}. */
    public static final int DEFAULT_MAX_DELIVERIES = 5;
    static final String CONNECTION_STRING_SETTING = "AZURE_STORAGE_CONNECTION_STRING";
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private final String account;
    private final String queueName;
    private final int maxDeliveries;
    private volatile QueueClient queue;
    private volatile QueueClient poison;

    public AzureStorageWorkQueue(String account, String queueName) {
        this(account, queueName, DEFAULT_MAX_DELIVERIES);
    }

    /** @param maxDeliveries deliveries after which a message moves to the poison queue */
    public AzureStorageWorkQueue(String account, String queueName, int maxDeliveries) {
        if (queueName == null || queueName.isBlank()) {
            throw new IllegalArgumentException("Azure queue name must not be blank");
        }
        if (maxDeliveries < 1) {
            throw new IllegalArgumentException("maxDeliveries must be at least 1");
        }
        this.account = account;
        this.queueName = queueName;
        this.maxDeliveries = maxDeliveries;
    }

    private static final class Http {
        static final HttpClient CLIENT = new JdkHttpClientBuilder().connectionTimeout(Duration.ofSeconds(5)).build();
    }

    private QueueClient queue() {
        QueueClient q = queue;
        if (q == null) {
            q = client(queueName);
            queue = q;
        }
        return q;
    }

    private QueueClient poison() {
        QueueClient p = poison;
        if (p == null) {
            p = client(poisonQueueName());
            poison = p;
        }
        return p;
    }

    private QueueClient client(String name) {
        QueueServiceClientBuilder builder = new QueueServiceClientBuilder().httpClient(Http.CLIENT)
                .messageEncoding(QueueMessageEncoding.BASE64);
        String connectionString = QueueSettings.get(CONNECTION_STRING_SETTING);
        if (connectionString != null) {
            builder.connectionString(connectionString);
        } else {
            if (account == null || account.isBlank()) {
                throw new QueueException("Azure storage account name is missing and " + CONNECTION_STRING_SETTING
                        + " is not set", false, null);
            }
            builder.endpoint("https://" + account + ".queue.core.windows.net")
                    .credential(new DefaultAzureCredentialBuilder().httpClient(Http.CLIENT).build());
        }
        return builder.buildClient().getQueueClient(name);
    }

    /** The poison queue's name: Azure queue names are at most 63 characters. */
    String poisonQueueName() {
        String base = queueName.length() > 56 ? queueName.substring(0, 56) : queueName;
        return base + "-poison";
    }

    @Override
    public String send(String body) {
        return call("send to", () -> queue().sendMessage(body).getMessageId());
    }

    @Override
    public List<QueueMessage> receive(int max, Duration visibility, Duration wait) {
        int count = Math.max(1, Math.min(max, MAX_RECEIVE));
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            List<QueueMessage> messages = new ArrayList<>();
            for (QueueMessageItem item : call("receive from", () -> queue().receiveMessages(count, atLeastOneSecond(visibility),
                    null, null))) {
                if (item.getDequeueCount() > maxDeliveries) {
                    movetoPoison(item);
                } else {
                    messages.add(new QueueMessage(item.getMessageId(), item.getBody().toString(), item.getPopReceipt(),
                            (int) item.getDequeueCount()));
                }
            }
            // Storage queues have no long poll; a worker waiting for work polls a few times a second.
            if (!messages.isEmpty() || System.nanoTime() >= deadline) {
                return messages;
            }
            sleep(POLL_INTERVAL);
        }
    }

    private void movetoPoison(QueueMessageItem item) {
        call("move to " + poisonQueueName() + " from", () -> {
            poison().createIfNotExists();
            poison().sendMessage(item.getBody());
            queue().deleteMessage(item.getMessageId(), item.getPopReceipt());
            return null;
        });
    }

    @Override
    public void ack(QueueMessage message) {
        call("delete from", () -> {
            queue().deleteMessage(message.id(), message.receipt());
            return null;
        });
    }

    @Override
    public QueueMessage extend(QueueMessage message, Duration visibility) {
        UpdateMessageResult result = update(message, atLeastOneSecond(visibility));
        return new QueueMessage(message.id(), message.body(), result.getPopReceipt(), message.deliveryCount());
    }

    @Override
    public void nack(QueueMessage message) {
        update(message, Duration.ZERO);
    }

    private UpdateMessageResult update(QueueMessage message, Duration visibility) {
        return call("update visibility in", () -> queue().updateMessage(message.id(), message.receipt(), null, visibility));
    }

    @Override
    public Optional<String> deadLetter() {
        return Optional.of("azq://" + accountForMessages() + "/" + poisonQueueName());
    }

    @Override
    public int maxReceive() {
        return MAX_RECEIVE;
    }

    @Override
    public String uri() {
        return "azq://" + accountForMessages() + "/" + queueName;
    }

    private String accountForMessages() {
        try {
            return queue().getAccountName();
        } catch (QueueException unusableConfiguration) {
            return account;
        }
    }

    private static Duration atLeastOneSecond(Duration d) {
        // The service counts whole seconds; a visibility of 0 would hand the message straight back.
        return Duration.ofSeconds(Math.max(1, (d.toMillis() + 999) / 1000));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueueException("interrupted while waiting for messages", true, e);
        }
    }

    private <T> T call(String operation, Supplier<T> request) {
        String what = operation + " azq://" + (account == null ? "?" : account) + "/" + queueName;
        try {
            return request.get();
        } catch (QueueException own) {
            throw own;
        } catch (QueueStorageException e) {
            int status = e.getStatusCode();
            throw new QueueException(what + ": HTTP " + status + (e.getErrorCode() == null ? "" : " " + e.getErrorCode()),
                    status == 429 || status >= 500, e);
        } catch (HttpResponseException e) {
            int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
            throw new QueueException(what + ": HTTP " + status, status == 429 || status >= 500, e);
        } catch (UncheckedIOException e) {
            throw new QueueException(what + ": " + e.getCause().getClass().getSimpleName() + " (connection failed)", true, e);
        } catch (RuntimeException e) {
            boolean io = e.getCause() instanceof IOException;
            throw new QueueException(what + ": " + e.getClass().getSimpleName() + (io ? " (connection failed)" : ""), io, e);
        }
    }
}
