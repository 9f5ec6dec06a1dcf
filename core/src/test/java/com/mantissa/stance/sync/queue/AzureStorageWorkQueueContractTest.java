package com.mantissa.stance.sync.queue;

import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.Emulators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The queue contract on Azurite's queue service; the adapter finds it through the published
 * {@code AZURE_STORAGE_CONNECTION_STRING} and does the poison-queue move itself.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class AzureStorageWorkQueueContractTest extends WorkQueueContractTest {
    private static QueueServiceClient setup;

    @BeforeAll
    static void startAzurite(AzuriteServer azurite) {
        setup = new QueueServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
    }

    @Override
    Fixture create(String name) {
        setup.createQueue(name);
        AzureStorageWorkQueue queue = new AzureStorageWorkQueue(AzuriteServer.ACCOUNT, name, MAX_DELIVERIES);
        return new Fixture(queue, WorkQueues.open("azq://" + AzuriteServer.ACCOUNT + "/" + queue.poisonQueueName()));
    }

    @Override
    WorkQueue missingQueue() {
        return WorkQueues.open("azq://" + AzuriteServer.ACCOUNT + "/no-such-queue");
    }
}
