package org.revenant.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.revenant.avro.AnalystDecision;
import org.revenant.avro.DecisionKind;
import org.revenant.detect.decide.DecisionDates;
import org.revenant.detect.state.AlertKey;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "decide",
        mixinStandardHelpOptions = true,
        description = {
            "Record an analyst's decision on an alert (written to the decisions topic).",
            "A false positive stays silent until its evidence grows; an allowlisted mirror never alerts again for the dataset."
        })
final class DecideCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Spec
    CommandSpec spec;

    @Parameters(
            paramLabel = "ALERT_KEY",
            description = "<datasetId>|<mirrorKey>, as alerts tail prints it (quote it: it contains '|').")
    String alertKey;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Choice choice;

    static final class Choice {
        @Option(names = "--false-positive", description = "Not the dataset: silence it until the evidence grows.")
        boolean falsePositive;

        @Option(names = "--confirm", description = "Checked: it is the dataset.")
        boolean confirm;

        @Option(names = "--takedown-requested", description = "A takedown was requested from the platform.")
        boolean takedown;

        @Option(
                names = "--allowlist",
                description = "A legitimate copy: never alert for this mirror and dataset again.")
        boolean allowlist;

        DecisionKind kind() {
            if (falsePositive) {
                return DecisionKind.FALSE_POSITIVE;
            }
            if (confirm) {
                return DecisionKind.CONFIRMED;
            }
            return takedown ? DecisionKind.TAKEDOWN_REQUESTED : DecisionKind.ALLOWLISTED;
        }
    }

    @Option(names = "--note", paramLabel = "TEXT", description = "Why (shown with the alert).")
    String note;

    @Option(
            names = "--reference",
            paramLabel = "TEXT",
            description = "With --takedown-requested: the request's reference (ticket, e-mail subject).")
    String reference;

    @Option(
            names = "--requested-on",
            paramLabel = "DATE",
            description =
                    "With --takedown-requested: when the request was sent (YYYY-MM-DD or an ISO-8601 instant; default: now).")
    String requestedOn;

    @Option(
            names = "--until",
            paramLabel = "DATE",
            description =
                    "With --false-positive or --allowlist: the suppression lapses then, and the alert returns if its evidence still holds (YYYY-MM-DD, from its start in UTC, or an ISO-8601 instant).")
    String untilText;

    @Option(
            names = "--by",
            paramLabel = "NAME",
            defaultValue = "${env:USER:-analyst}",
            description = "Who decided (default ${DEFAULT-VALUE}).")
    String by;

    private Instant requestedAt() {
        if ((reference != null || requestedOn != null) && choice.kind() != DecisionKind.TAKEDOWN_REQUESTED) {
            throw new ParameterException(
                    spec.commandLine(), "--reference and --requested-on go with --takedown-requested");
        }
        return requestedOn == null ? null : date("--requested-on", requestedOn);
    }

    private Instant until() {
        if (untilText == null) {
            return null;
        }
        if (choice.kind() != DecisionKind.FALSE_POSITIVE && choice.kind() != DecisionKind.ALLOWLISTED) {
            throw new ParameterException(spec.commandLine(), "--until goes with --false-positive or --allowlist");
        }
        Instant until = date("--until", untilText);
        if (!until.isAfter(Instant.now())) {
            throw new ParameterException(spec.commandLine(), "--until must be in the future: " + until);
        }
        return until;
    }

    private Instant date(String option, String text) {
        try {
            return DecisionDates.parse(text);
        } catch (DateTimeParseException e) {
            throw new ParameterException(
                    spec.commandLine(), option + ": not a date (YYYY-MM-DD) or an instant: " + Terminal.safe(text));
        }
    }

    @Override
    public Integer call() throws Exception {
        // The CLI also wants the mirror key's '<platform>:' part, which catches keys cut by the shell.
        if (AlertKey.parse(alertKey).filter(k -> k.mirrorKey().indexOf(':') > 0).isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "not an alert key: '" + Terminal.safe(alertKey)
                            + "' (expected <datasetId>|<platform>:<locator>, e.g. 'ms-celeb-1m|torrent:9e67…')");
        }
        AnalystDecision decision = AnalystDecision.newBuilder()
                .setAlertKey(alertKey)
                .setDecision(choice.kind())
                .setNote(note)
                .setBy(by)
                .setAt(Instant.now())
                .setReference(reference)
                .setRequestedAt(requestedAt())
                .setUntil(until())
                .build();
        Properties props = kafka.reachableClientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        var topic = kafka.topics().decisions;
        try (KafkaProducer<String, AnalystDecision> producer = new KafkaProducer<>(
                props, new StringSerializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), alertKey, decision))
                    .get(30, TimeUnit.SECONDS);
        }
        spec.commandLine()
                .getOut()
                .printf(
                        "recorded %s for %s%s%n",
                        decision.getDecision(),
                        Terminal.safe(alertKey),
                        decision.getUntil() == null ? "" : " until " + decision.getUntil());
        return 0;
    }
}
