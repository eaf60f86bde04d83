package org.revenant.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.revenant.wire.Topics;

/**
 * Pins the shape of the detection topology. Node, store and repartition names make the names of
 * the changelog and repartition topics of every running deployment, so a change here must be a
 * decision, not a side effect of a refactoring (docs/decisions/013).
 */
class TopologyDescriptionTest {

    static final Path GOLDEN = Path.of("src/test/resources/org/revenant/detect/topology-description.txt");
    static final String UPDATE_PROPERTY = "revenant.updateGolden";

    @Test
    void topologyDescriptionMatchesTheCheckedInOne() throws IOException {
        String actual = RevenantTopology.build(DetectConfig.defaults(Topics.defaults()))
                .describe()
                .toString();
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
        }
        String expected = Files.readString(GOLDEN, StandardCharsets.UTF_8);
        assertEquals(expected, actual, """
                The detection topology changed.
                Renaming a node, store or repartition step renames its changelog or repartition topic: \
                existing deployments then lose that state (an application reset or a migration is needed, \
                see docs/decisions/013-state-ownership-and-compatibility.md).
                If the change is deliberate, regenerate the description and commit it with the change:
                  mvn -B -o -pl streams-app -am test -Dtest=TopologyDescriptionTest \
                -Dsurefire.failIfNoSpecifiedTests=false -D%s=true
                """.formatted(UPDATE_PROPERTY));
    }
}
