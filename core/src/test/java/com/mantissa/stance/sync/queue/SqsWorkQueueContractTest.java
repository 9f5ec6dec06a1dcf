package com.mantissa.stance.sync.queue;

import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.MotoServer;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The queue contract on moto's SQS; the adapter finds moto through {@code aws.endpointUrlSqs}. */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class SqsWorkQueueContractTest extends WorkQueueContractTest {
    private static SqsClient setup;
    private static String endpoint;

    @BeforeAll
    static void startMoto(MotoServer moto) {
        endpoint = moto.endpoint();
        setup = setupClient(endpoint);
    }

    /** A client configured explicitly for fixtures (independent of the published settings). */
    static SqsClient setupClient(String endpoint) {
        return SqsClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.of(MotoServer.REGION))
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
    }

    @Override
    Fixture create(String name) {
        String deadLetterUrl = setup.createQueue(b -> b.queueName(name + "-dlq")).queueUrl();
        String arn = setup.getQueueAttributes(b -> b.queueUrl(deadLetterUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String url = setup.createQueue(b -> b.queueName(name).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\": \"" + arn + "\", \"maxReceiveCount\": \"" + MAX_DELIVERIES + "\"}"))).queueUrl();
        return new Fixture(WorkQueues.open(url), WorkQueues.open(deadLetterUrl));
    }

    @Override
    WorkQueue missingQueue() {
        return WorkQueues.open(endpoint + "/123456789012/no-such-queue");
    }
}
