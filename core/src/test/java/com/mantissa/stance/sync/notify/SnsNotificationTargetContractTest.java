package com.mantissa.stance.sync.notify;

import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import com.mantissa.stance.sync.queue.WorkQueues;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The target contract on moto's SNS, read through an SQS queue subscribed with raw delivery (as a
 * consumer of the digests would subscribe one); the target finds moto through
 * {@code aws.endpointUrlSns}.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class SnsNotificationTargetContractTest extends NotificationTargetContractTest {
    private static SnsClient sns;
    private static SqsClient sqs;

    @BeforeAll
    static void startMoto(MotoServer moto) {
        sns = SnsClient.builder().endpointOverride(URI.create(moto.endpoint())).region(Region.of(MotoServer.REGION))
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
        sqs = SqsClient.builder().endpointOverride(URI.create(moto.endpoint())).region(Region.of(MotoServer.REGION))
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
    }

    /** A topic with an SQS queue subscribed to it with raw message delivery; returns the topic and the queue URL. */
    static String[] topicWithQueue(SnsClient sns, SqsClient sqs, String name) {
        String topicArn = sns.createTopic(b -> b.name(name)).topicArn();
        String queueUrl = sqs.createQueue(b -> b.queueName(name + "-inbox")).queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn)
                .attributes(Map.of("RawMessageDelivery", "true")));
        return new String[] {topicArn, queueUrl};
    }

    @Override
    Fixture create(String name) {
        String[] topicAndQueue = topicWithQueue(sns, sqs, name);
        return new Fixture(NotificationTargets.open(topicAndQueue[0]), WorkQueues.open(topicAndQueue[1]));
    }

    @Override
    NotificationTarget missingTarget() {
        return NotificationTargets.open("arn:aws:sns:" + MotoServer.REGION + ":123456789012:no-such-topic");
    }
}
