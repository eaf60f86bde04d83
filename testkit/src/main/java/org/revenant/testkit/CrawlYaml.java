package org.revenant.testkit;

import java.util.List;
import java.util.Map;

/**
 * Test crawler configurations that enable only the sources a test names. Every other source is
 * written disabled, from the names of the platform list ({@code org.revenant.platforms.Platforms.names()}), so a new
 * platform needs no edit to any test's YAML (docs/decisions/015-platform-source-descriptors.md).
 */
public final class CrawlYaml {

    private CrawlYaml() {}

    /**
     * @param sourceNames every source the configuration knows, in order
     * @param sections    source name to its section's lines (unindented, one key per line); a name
     *                    not in {@code sourceNames} is refused so a typo cannot pass as "disabled"
     * @return a {@code sources:} block in {@code sourceNames}' order
     */
    public static String only(List<String> sourceNames, Map<String, String> sections) {
        for (String name : sections.keySet()) {
            if (!sourceNames.contains(name)) {
                throw new IllegalArgumentException("no source named " + name + " among " + sourceNames);
            }
        }
        StringBuilder out = new StringBuilder("sources:\n");
        for (String name : sourceNames) {
            String body = sections.get(name);
            if (body == null) {
                out.append("  ").append(name).append(": {enabled: false}\n");
                continue;
            }
            out.append("  ").append(name).append(":\n");
            body.strip().lines().forEach(line -> out.append("    ").append(line).append('\n'));
        }
        return out.toString();
    }
}
