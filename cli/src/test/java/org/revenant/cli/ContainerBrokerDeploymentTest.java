package org.revenant.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.revenant.testkit.KafkaBroker;

/**
 * The deployment scenario against Kafka in a Docker container (Testcontainers' KafkaContainer,
 * image KAFKA_IMAGE or apache/kafka): the broker Revenant's users deploy, across a real network hop.
 */
@Tag("docker")
class ContainerBrokerDeploymentTest extends DeploymentScenario {

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.inContainer();

    @Override
    KafkaBroker kafka() {
        return KAFKA;
    }
}
