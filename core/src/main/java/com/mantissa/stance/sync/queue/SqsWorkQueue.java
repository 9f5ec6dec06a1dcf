package com.mantissa.stance.sync.queue;

import com.mantissa.stance.sync.storage.LazyTrustManager;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManager;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * An Amazon SQS queue, named by its queue URL
 * ({@code https://sqs.eu-west-1.amazonaws.com/123456789012/stance-sync-work}).
 *
 * <p>Credentials, region and endpoint come from the SDK's standard chains, so an emulator is
 * reached as production reaches SQS: the SDK reads {@code AWS_ENDPOINT_URL_SQS} /
 * {@code AWS_ENDPOINT_URL} (or {@code aws.endpointUrlSqs}). With no region configured, the
 * region in an AWS queue URL's host is used. The dead-letter queue is the queue's redrive
 * policy; SQS moves a message there itself after {@code maxReceiveCount} deliveries.
 */
public final class SqsWorkQueue implements WorkQueue {
    /** SQS returns at most 10 messages a call. */
    public static final int MAX_RECEIVE = 10;
    private static final Pattern AWS_HOST = Pattern.compile("sqs\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?");
    private static final Pattern DEAD_LETTER_ARN = Pattern.compile("\"deadLetterTargetArn\"\\s*:\\s*\"([^\"]+)\"");

    private final String queueUrl;
    private final SqsClient client;
    private final boolean ownsClient;

    /** A queue reached with a client built from the SDK's default chains (closed with this queue). */
    public SqsWorkQueue(String queueUrl) {
        this(queueUrl, defaultClient(queueUrl), true);
    }

    /** A queue reached with a caller-owned client, which this queue never closes. */
    public SqsWorkQueue(String queueUrl, SqsClient client) {
        this(queueUrl, client, false);
    }

    private SqsWorkQueue(String queueUrl, SqsClient client, boolean ownsClient) {
        this.queueUrl = queueUrl;
        this.client = client;
        this.ownsClient = ownsClient;
    }

    private static SqsClient defaultClient(String queueUrl) {
        return SqsClient.builder()
                .region(region(queueUrl))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        // Above the longest long poll (20 s).
                        .socketTimeout(Duration.ofSeconds(30))
                        .tlsTrustManagersProvider(() -> new TrustManager[] {new LazyTrustManager()}))
                .build();
    }

    private static Region region(String queueUrl) {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException noRegionConfigured) {
            Matcher m = AWS_HOST.matcher(String.valueOf(URI.create(queueUrl).getHost()));
            return m.matches() ? Region.of(m.group(1)) : Region.US_EAST_1;
        }
    }

    @Override
    public String send(String body) {
        return call("send to", () -> client.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)).messageId());
    }

    @Override
    public List<QueueMessage> receive(int max, Duration visibility, Duration wait) {
        int count = Math.max(1, Math.min(max, MAX_RECEIVE));
        int waitSeconds = (int) Math.min(20, Math.max(0, wait.toSeconds()));
        List<Message> received = call("receive from", () -> client.receiveMessage(b -> b.queueUrl(queueUrl)
                .maxNumberOfMessages(count)
                .visibilityTimeout(seconds(visibility))
                .waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages());
        List<QueueMessage> messages = new ArrayList<>(received.size());
        for (Message m : received) {
            String countText = m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
            messages.add(new QueueMessage(m.messageId(), m.body(), m.receiptHandle(),
                    countText == null ? 0 : Integer.parseInt(countText)));
        }
        return messages;
    }

    @Override
    public void ack(QueueMessage message) {
        call("delete from", () -> client.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receipt())));
    }

    @Override
    public QueueMessage extend(QueueMessage message, Duration visibility) {
        changeVisibility(message, seconds(visibility));
        return message;
    }

    @Override
    public void nack(QueueMessage message) {
        changeVisibility(message, 0);
    }

    private void changeVisibility(QueueMessage message, int seconds) {
        call("change visibility in", () -> client.changeMessageVisibility(b -> b.queueUrl(queueUrl)
                .receiptHandle(message.receipt()).visibilityTimeout(seconds)));
    }

    @Override
    public Optional<String> deadLetter() {
        Map<QueueAttributeName, String> attributes = call("read attributes of", () -> client.getQueueAttributes(b -> b
                .queueUrl(queueUrl).attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributes());
        String policy = attributes.get(QueueAttributeName.REDRIVE_POLICY);
        if (policy == null) {
            return Optional.empty();
        }
        Matcher m = DEAD_LETTER_ARN.matcher(policy);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    @Override
    public int maxReceive() {
        return MAX_RECEIVE;
    }

    @Override
    public String uri() {
        return queueUrl;
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    private static int seconds(Duration d) {
        // SQS counts whole seconds, up to 12 hours; a sub-second timeout rounds up, never to 0.
        return (int) Math.min(43_200, Math.max(1, (d.toMillis() + 999) / 1000));
    }

    private <T> T call(String operation, Supplier<T> request) {
        try {
            return request.get();
        } catch (SqsException e) {
            int status = e.statusCode();
            boolean retryable = status == 429 || status >= 500 || e.isThrottlingException();
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            throw new QueueException(operation + " " + queueUrl + ": HTTP " + status + (code == null ? "" : " " + code),
                    retryable, e);
        } catch (SdkClientException e) {
            throw new QueueException(operation + " " + queueUrl + ": " + e.getClass().getSimpleName()
                    + " (connection failed or timed out)", true, e);
        } catch (SdkException e) {
            throw new QueueException(operation + " " + queueUrl + ": " + e.getClass().getSimpleName(), e.retryable(), e);
        }
    }
}
