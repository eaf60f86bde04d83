package org.revenant.detect.guard;

/**
 * A record the app will not process, with the reason. Thrown by a processor so the processing
 * exception handler writes the record to the dead-letter topic and the task carries on; cheap to
 * create (no stack trace), since hostile input may produce many.
 */
public final class RejectedRecordException extends RuntimeException {

    public RejectedRecordException(String reason) {
        super(reason, null, false, false);
    }
}
