package org.revenant.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.revenant.wire.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description =
                "Run a real single-node Kafka broker (KRaft) in this process, with Revenant's topics, until Ctrl-C.")
final class BrokerCommand implements Callable<Integer> {

    @Mixin
    BrokerOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LocalKafka kafka = LocalKafka.start(options, spec.commandLine().getOut());
        spec.commandLine()
                .getOut()
                .printf(
                        "%nKafka is up on %s (data in %s). Ctrl-C stops it.%n",
                        kafka.bootstrapServers(), options.dataDir.toAbsolutePath());
        spec.commandLine().getOut().flush();
        Shutdown.closeOnSignal(kafka);
        return 0;
    }

    /** Where the embedded broker keeps its data and listens. */
    static final class BrokerOptions {
        @CommandLine.Option(
                names = "--data-dir",
                paramLabel = "DIR",
                defaultValue = "revenant-data",
                description = "Where broker and streams data live; kept across restarts (default ${DEFAULT-VALUE}).")
        Path dataDir;

        @CommandLine.Option(
                names = "--kafka-port",
                paramLabel = "PORT",
                defaultValue = "9092",
                description = "Port of the broker's client listener on localhost (default ${DEFAULT-VALUE}).")
        int kafkaPort;

        @CommandLine.Option(
                names = "--topic-prefix",
                paramLabel = "PREFIX",
                defaultValue = Topics.DEFAULT_PREFIX,
                description = "Prefix of every Revenant topic (default ${DEFAULT-VALUE}).")
        String topicPrefix;
    }
}
