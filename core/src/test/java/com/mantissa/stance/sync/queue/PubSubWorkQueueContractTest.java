package com.mantissa.stance.sync.queue;

import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.PubSubEmulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The queue contract on Google's Pub/Sub emulator, found through {@code PUBSUB_EMULATOR_HOST}. */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class PubSubWorkQueueContractTest extends WorkQueueContractTest {
    private static PubSubEmulator emulator;

    @BeforeAll
    static void startEmulator(PubSubEmulator pubsub) {
        emulator = pubsub;
    }

    @Override
    Fixture create(String name) {
        emulator.createTopic(name);
        emulator.createTopic(name + "-dead");
        emulator.createSubscription(name + "-dead", name + "-dead-sub", 10, null, 0);
        emulator.createSubscription(name, name + "-sub", 10, name + "-dead", MAX_DELIVERIES);
        String base = "pubsub://" + PubSubEmulator.PROJECT + "/";
        return new Fixture(WorkQueues.open(base + name + "/" + name + "-sub"),
                WorkQueues.open(base + name + "-dead/" + name + "-dead-sub"));
    }

    @Override
    WorkQueue missingQueue() {
        return WorkQueues.open("pubsub://" + PubSubEmulator.PROJECT + "/no-such-topic/no-such-subscription");
    }
}
