package org.revenant.crawl;

/**
 * A crawl that could not be completed: the message is the reason, one line, fit for a log and for
 * the {@code lastStatus} of a checkpoint. Never carries a token.
 */
public class CrawlException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean rateLimited;

    public CrawlException(String reason) {
        this(reason, false, null);
    }

    public CrawlException(String reason, Throwable cause) {
        this(reason, false, cause);
    }

    public CrawlException(String reason, boolean rateLimited, Throwable cause) {
        super(reason, cause);
        this.rateLimited = rateLimited;
    }

    /**
     * Long loops over crawled input call this: a job past its deadline, or a crawler shutting down,
     * has its thread interrupted and stops at the next check.
     */
    public static void checkInterrupted() throws CrawlException {
        if (Thread.currentThread().isInterrupted()) {
            throw new CrawlException("interrupted");
        }
    }

    /** True when the platform told us to slow down: the job should be tried again later, not counted as broken. */
    public boolean rateLimited() {
        return rateLimited;
    }
}
