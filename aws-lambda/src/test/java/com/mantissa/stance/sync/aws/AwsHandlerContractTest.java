package com.mantissa.stance.sync.aws;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.mantissa.stance.sync.function.EventJson;
import com.mantissa.stance.sync.function.HandlerContract;
import com.mantissa.stance.sync.function.SyncFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The handler contract through the Lambda handlers: S3 notifications (one S3Event per batch),
 * and SQS batches, also of the work queue.
 */
@org.junit.jupiter.api.Tag("slow")
class AwsHandlerContractTest extends HandlerContract {

    @Override
    protected String provider() {
        return "aws";
    }

    @Override
    protected SpokeObject upload(String key, byte[] content) {
        AwsFixtures.putObject(moto, key, content);
        return new SpokeObject(AwsFixtures.SOURCE_BUCKET, key);
    }

    @Override
    protected Delivery deliverCreated(Map<String, String> env, List<SpokeObject> objects) {
        TestContext context = new TestContext(null);
        boolean redelivered = false;
        try {
            new S3EventHandler(env).handleRequest(AwsEvents.s3Put(AwsFixtures.SOURCE_BUCKET,
                    objects.stream().map(SpokeObject::key).toList()), context);
        } catch (SyncFailedException e) {
            redelivered = true;
        }
        return new Delivery(redelivered, lines(context));
    }

    @Override
    protected Delivery deliverMalformed(Map<String, String> env) {
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);
        SQSBatchResponse response = new SqsHandler(env).handleRequest(
                AwsEvents.sqs(List.of("m-1"), List.of("{\"Records\": [{\"eventName\": \"ObjectCreated:Put\", \"s3\": {}}]}")),
                context);
        return new Delivery(!response.getBatchItemFailures().isEmpty(), lines(context));
    }

    /** One SQS batch to the SQS handler, which hands its source messages to the queue worker. */
    @Override
    protected Delivery deliverWork(Map<String, String> env, List<String> bodies) {
        TestContext context = new TestContext(AwsFixtures.ACCOUNT);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            ids.add("work-" + i);
        }
        SQSBatchResponse response = new SqsHandler(env).handleRequest(AwsEvents.sqs(ids, bodies), context);
        return new Delivery(!response.getBatchItemFailures().isEmpty(), lines(context));
    }

    @Override
    protected String workQueue() {
        return moto.endpoint() + "/" + AwsFixtures.ACCOUNT + "/contract-work";
    }

    @Override
    protected String spokeLocation(String container, String prefix) {
        return "s3://" + container + "/" + prefix;
    }

    @Override
    protected String createdEventBody(SpokeObject object) {
        return "{\"Records\": [" + AwsEvents.s3Record(object.container(), object.key()) + "]}";
    }

    private static List<JsonNode> lines(TestContext context) {
        return context.lines().stream().map(line -> EventJson.parse(line.message())).toList();
    }
}
