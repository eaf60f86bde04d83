package org.revenant.cli;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.revenant.testkit.KafkaBroker;

/** The deployment scenario against the in-JVM KRaft node (or KAFKA_BOOTSTRAP_SERVERS). */
class EmbeddedBrokerDeploymentTest extends DeploymentScenario {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Override
    KafkaBroker kafka() {
        return KAFKA;
    }
}
