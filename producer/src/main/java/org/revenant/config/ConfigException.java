package org.revenant.config;

import org.revenant.registry.YamlTree;

/** A configuration file that cannot be used; the message names the file, the line and what is wrong. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        // One line whatever the file held: control characters from quoted values are escaped.
        super(YamlTree.printable(message));
    }
}
