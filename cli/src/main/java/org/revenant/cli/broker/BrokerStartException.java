package org.revenant.cli.broker;

/**
 * The embedded broker could not start. The message is one line meant for the user's terminal;
 * the cause keeps the details for {@code --verbose}.
 */
public final class BrokerStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    BrokerStartException(String message) {
        super(message);
    }

    BrokerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
