package org.revenant.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.AuthorizationException;
import org.revenant.wire.TopicSetup;
import picocli.CommandLine.Option;

/**
 * How the commands that start a deployment create Revenant's topics on a cluster that lacks them
 * (with their compaction and retention settings, which auto-created topics would not have).
 */
final class TopicOptions {

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "3",
            description =
                    "Partitions of topics this command creates when missing (default ${DEFAULT-VALUE}; the registry has 1).")
    int partitions;

    @Option(
            names = "--replication-factor",
            paramLabel = "N",
            description =
                    "Replication factor of topics this command creates (default: the cluster's default.replication.factor).")
    Short replicationFactor;

    /** Creates the missing topics and says which; existing topics are left as they are. */
    void ensure(KafkaOptions kafka, PrintWriter out) {
        if (partitions < 1) {
            throw new UserError("--partitions must be at least 1: " + partitions);
        }
        if (replicationFactor != null && replicationFactor < 1) {
            throw new UserError("--replication-factor must be at least 1: " + replicationFactor);
        }
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            List<String> created =
                    TopicSetup.ensure(admin, kafka.topics(), partitions, Optional.ofNullable(replicationFactor));
            if (!created.isEmpty()) {
                out.printf("created topics: %s%n", String.join(", ", created));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while creating topics");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String hint = cause instanceof AuthorizationException
                    ? " (this principal may not create topics: create them as README: Docker lists, then run again)"
                    : "";
            throw new UserError("cannot create Revenant's topics on " + kafka.bootstrapServers() + ": "
                    + cause.getMessage() + hint);
        } catch (TimeoutException e) {
            throw new UserError("cannot reach Kafka at " + kafka.bootstrapServers() + " to create topics (30 s)");
        }
    }
}
