package org.revenant.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates every topic of the catalogue that does not exist yet, with its configs. */
public final class TopicSetup {

    private TopicSetup() {}

    /** @return the names of the topics created by this call */
    public static List<String> ensure(Admin admin, Topics topics, int partitions, short replication)
            throws InterruptedException, ExecutionException, TimeoutException {
        return ensure(admin, topics, partitions, Optional.of(replication));
    }

    /**
     * Like {@link #ensure(Admin, Topics, int, short)}; an empty replication factor takes the
     * cluster's {@code default.replication.factor}.
     */
    public static List<String> ensure(Admin admin, Topics topics, int partitions, Optional<Short> replication)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (Topic<?, ?> topic : topics.all()) {
            if (!existing.contains(topic.name())) {
                int parts = topic.compacted() && topic == topics.registry ? 1 : partitions;
                missing.add(new NewTopic(topic.name(), Optional.of(parts), replication).configs(topic.configs()));
            }
        }
        List<String> created = new ArrayList<>();
        for (var entry : admin.createTopics(missing).values().entrySet()) {
            try {
                entry.getValue().get(30, TimeUnit.SECONDS);
                created.add(entry.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        return created;
    }
}
