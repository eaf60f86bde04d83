package org.revenant.source.dir;

/** A directory that cannot be scanned at all; the message is one line, e.g. {@code data: not a directory}. */
public class DirectoryScanException extends Exception {

    private static final long serialVersionUID = 1L;

    public DirectoryScanException(String message) {
        super(message);
    }

    public DirectoryScanException(String message, Throwable cause) {
        super(message, cause);
    }
}
