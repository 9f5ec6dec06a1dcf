package com.mantissa.stance.sync.notify;

import com.mantissa.stance.sync.storage.LazyTrustManager;
import java.time.Duration;
import java.util.regex.Matcher;
import javax.net.ssl.TrustManager;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.SnsException;

/**
 * An Amazon SNS standard topic, named by its ARN
 * ({@code arn:aws:sns:eu-west-1:123456789012:stance-sync-changes}); SNS fans each message out to
 * its subscriptions (email, HTTPS webhooks, SQS, Lambda).
 *
 * <p>The client talks to the region in the ARN, where the topic lives, whatever region the
 * process runs in. Credentials and endpoint come from the SDK's standard chains, so an emulator
 * is reached as production reaches SNS: the SDK reads {@code AWS_ENDPOINT_URL_SNS} /
 * {@code AWS_ENDPOINT_URL} (or {@code aws.endpointUrlSns}).
 */
public final class SnsNotificationTarget implements NotificationTarget {
    /** SNS takes messages of up to 256 KiB. */
    public static final int MAX_MESSAGE_BYTES = 262_144;

    private final String topicArn;
    private final SnsClient client;
    private final boolean ownsClient;

    /** A topic reached with a client built from the SDK's default chains (closed with this target). */
    public SnsNotificationTarget(String topicArn) {
        this(topicArn, null);
    }

    /** A topic reached with a caller-owned client, which this target never closes; null builds one. */
    public SnsNotificationTarget(String topicArn, SnsClient client) {
        Matcher m = NotificationTargets.requireTopicArn(topicArn);
        this.topicArn = topicArn;
        this.ownsClient = client == null;
        this.client = client != null ? client : defaultClient(Region.of(m.group(2)));
    }

    private static SnsClient defaultClient(Region region) {
        return SnsClient.builder()
                .region(region)
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30))
                        .tlsTrustManagersProvider(() -> new TrustManager[] {new LazyTrustManager()}))
                .build();
    }

    @Override
    public String publish(String body) {
        try {
            return client.publish(b -> b.topicArn(topicArn).message(body)).messageId();
        } catch (SnsException e) {
            int status = e.statusCode();
            boolean throttled = status == 429 || e.isThrottlingException();
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            throw new NotificationException("publish to " + topicArn + ": HTTP " + status + (code == null ? "" : " " + code),
                    status >= 500, throttled, e);
        } catch (SdkClientException e) {
            throw new NotificationException("publish to " + topicArn + ": " + e.getClass().getSimpleName()
                    + " (connection failed or timed out)", true, e);
        } catch (SdkException e) {
            throw new NotificationException("publish to " + topicArn + ": " + e.getClass().getSimpleName(), e.retryable(), e);
        }
    }

    @Override
    public int maxMessageBytes() {
        return MAX_MESSAGE_BYTES;
    }

    @Override
    public String uri() {
        return topicArn;
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
