package com.mantissa.stance.sync.notify;

import com.azure.storage.queue.QueueServiceClientBuilder;
import com.mantissa.stance.sync.queue.WorkQueues;
import com.mantissa.stance.sync.testing.AzuriteServer;
import com.mantissa.stance.sync.testing.Emulators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The target contract on Azurite's queue service: a part at the 48 KiB limit is accepted once
 * Base64-encoded (64 KiB), and read back decoded.
 */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class AzureQueueNotificationTargetContractTest extends NotificationTargetContractTest {
    private static AzuriteServer server;

    @BeforeAll
    static void startAzurite(AzuriteServer azurite) {
        server = azurite;
    }

    @Override
    Fixture create(String name) {
        new QueueServiceClientBuilder().connectionString(server.connectionString()).buildClient().createQueue(name);
        String queue = "azq://" + AzuriteServer.ACCOUNT + "/" + name;
        return new Fixture(NotificationTargets.open(queue), WorkQueues.open(queue));
    }

    @Override
    NotificationTarget missingTarget() {
        return NotificationTargets.open("azq://" + AzuriteServer.ACCOUNT + "/no-such-queue");
    }
}
