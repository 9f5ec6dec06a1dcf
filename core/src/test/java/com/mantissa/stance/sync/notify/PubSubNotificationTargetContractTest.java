package com.mantissa.stance.sync.notify;

import com.mantissa.stance.sync.queue.WorkQueues;
import com.mantissa.stance.sync.testing.Emulators;
import com.mantissa.stance.sync.testing.PubSubEmulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The target contract on Google's Pub/Sub emulator, read through a pull subscription on the topic. */
@ExtendWith(Emulators.class)
@org.junit.jupiter.api.Tag("slow")
class PubSubNotificationTargetContractTest extends NotificationTargetContractTest {
    private static PubSubEmulator emulator;

    @BeforeAll
    static void startEmulator(PubSubEmulator pubsub) {
        emulator = pubsub;
    }

    @Override
    Fixture create(String name) {
        emulator.createTopic(name);
        emulator.createSubscription(name, name + "-sub", 60, null, 0);
        String topic = "pubsub://" + PubSubEmulator.PROJECT + "/" + name;
        return new Fixture(NotificationTargets.open(topic), WorkQueues.open(topic + "/" + name + "-sub"));
    }

    @Override
    NotificationTarget missingTarget() {
        return NotificationTargets.open("pubsub://" + PubSubEmulator.PROJECT + "/no-such-topic");
    }
}
