package org.revenant.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.Evidence;
import org.revenant.config.Durations;
import org.revenant.wire.AlertJson;
import org.revenant.wire.Topic;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "alerts",
        description = "Read alerts.",
        mixinStandardHelpOptions = true,
        subcommands = AlertsCommand.Tail.class)
final class AlertsCommand {

    enum Format {
        text,
        json
    }

    @Command(
            name = "tail",
            mixinStandardHelpOptions = true,
            description = "Print alert events as they arrive (committed events only).")
    static final class Tail implements Callable<Integer> {

        @Mixin
        KafkaOptions kafka;

        @Spec
        CommandSpec spec;

        @Option(names = "--from-beginning", description = "Start with the oldest alert instead of new ones.")
        boolean fromBeginning;

        @Option(
                names = "--format",
                defaultValue = "text",
                description = "text or json (the public alert JSON, one object a line). Default: ${DEFAULT-VALUE}.")
        Format format;

        @Option(names = "--max", paramLabel = "N", description = "Stop after N alerts.")
        Integer max;

        @Option(
                names = "--timeout",
                paramLabel = "DURATION",
                description =
                        "Stop when no alert has arrived for this long (e.g. 10s, 5m). Default: run until interrupted.")
        String timeout;

        @Override
        public Integer call() {
            Duration idle = timeout == null ? null : parse(timeout);
            if (max != null && max < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--max must be at least 1");
            }
            Topic<String, AlertEvent> topic = kafka.topics().alerts;
            Properties props = kafka.reachableClientProperties();
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
            PrintWriter out = spec.commandLine().getOut();
            int printed = 0;
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
                if (partitions.isEmpty()) {
                    throw new UserError("topic " + topic.name() + " does not exist: is Revenant running against "
                            + kafka.bootstrapServers() + "?");
                }
                consumer.assign(partitions);
                if (fromBeginning) {
                    consumer.seekToBeginning(partitions);
                } else {
                    consumer.seekToEnd(partitions);
                }
                Instant lastSeen = Instant.now();
                while (max == null || printed < max) {
                    var records = consumer.poll(Duration.ofMillis(200));
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        AlertEvent alert;
                        try {
                            alert = topic.deserializeValue(record.value());
                        } catch (SerializationException e) {
                            spec.commandLine()
                                    .getErr()
                                    .printf(
                                            "revenant: skipping undecodable alert at %s-%d@%d: %s%n",
                                            record.topic(), record.partition(), record.offset(), e.getMessage());
                            continue;
                        }
                        out.println(format == Format.json ? AlertJson.toJson(alert) : text(alert));
                        out.flush();
                        lastSeen = Instant.now();
                        if (max != null && ++printed >= max) {
                            break;
                        }
                    }
                    if (idle != null
                            && Duration.between(lastSeen, Instant.now()).compareTo(idle) > 0) {
                        break;
                    }
                }
            } catch (RecordDeserializationException e) {
                throw new UserError("cannot read alerts: " + e.getMessage(), e);
            }
            return 0;
        }

        private Duration parse(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--timeout: " + e.getMessage());
            }
        }
    }

    /** One line a human can scan: when, what, how sure, which dataset, where, and the best evidence. */
    static String text(AlertEvent a) {
        StringBuilder line = new StringBuilder();
        line.append(a.getObservedAt())
                .append("  ")
                .append(String.format(
                        Locale.ROOT, "%-10s %-9s %.2f  ", a.getEvent(), a.getSeverity(), a.getConfidence()))
                .append(Terminal.safe(a.getDatasetId()));
        if (a.getParentId() != null) {
            line.append(" (derivative of ")
                    .append(Terminal.safe(a.getParentId()))
                    .append(')');
        }
        line.append("  on ").append(Terminal.safe(a.getMirrorKey()));
        if (a.getReappearances() > 0) {
            line.append("  reappeared ").append(a.getReappearances()).append('x');
        }
        if (a.getDecision() != null) {
            line.append("  decision=").append(a.getDecision());
        }
        List<Evidence> evidence = a.getEvidence();
        for (int i = 0; i < Math.min(3, evidence.size()); i++) {
            Evidence e = evidence.get(i);
            line.append(i == 0 ? "\n    evidence: " : "; ")
                    .append(e.getKind())
                    .append(' ')
                    .append(Terminal.safe(e.getSignature()));
            if (e.getPath() != null) {
                line.append(" at ").append(Terminal.safe(e.getPath()));
            }
        }
        if (evidence.size() > 3) {
            line.append("; +").append(evidence.size() - 3).append(" more");
        }
        return line.toString();
    }
}
