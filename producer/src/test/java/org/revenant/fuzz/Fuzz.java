package org.revenant.fuzz;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.management.ThreadMXBean;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Runs generated hostile inputs against a reader, bounded by a number of cases and by time, from
 * one seed that every failure message names so the run replays exactly:
 * {@code mvn -pl producer test -Dtest=BencodeFuzzTest -Drevenant.fuzz.seed=<seed>}.
 * Without the property each run takes a new seed, so CI explores more inputs over time.
 */
public final class Fuzz {

    public static final String SEED_PROPERTY = "revenant.fuzz.seed";

    /** One generated case; {@code random} is seeded for this case alone. */
    @FunctionalInterface
    public interface Case {
        void run(SplittableRandom random, int index) throws Throwable;
    }

    private Fuzz() {}

    /** The seed from {@code -Drevenant.fuzz.seed}, else a fresh one. */
    public static long seed() {
        String fixed = System.getProperty(SEED_PROPERTY);
        if (fixed != null && !fixed.isBlank()) {
            return Long.parseLong(fixed.strip());
        }
        return new SplittableRandom().nextLong();
    }

    /**
     * Runs up to {@code cases} cases, stopping early once {@code budget} has passed; the whole run
     * fails if it takes longer than {@code hangLimit} (a reader that never returns).
     */
    public static void run(String name, int cases, Duration budget, Duration hangLimit, Case body) {
        long seed = seed();
        int[] current = {-1};
        int[] done = {0};
        String replay = " (replay: -D" + SEED_PROPERTY + "=" + seed + ")";
        assertTimeoutPreemptively(
                hangLimit,
                () -> {
                    SplittableRandom master = new SplittableRandom(seed);
                    long deadline = System.nanoTime() + budget.toNanos();
                    for (int i = 0; i < cases && System.nanoTime() < deadline; i++) {
                        SplittableRandom random = master.split();
                        current[0] = i;
                        try {
                            body.run(random, i);
                        } catch (Throwable t) {
                            fail(
                                    name + ": case " + i + " of seed " + seed + replay + ": "
                                            + shorten(String.valueOf(t)),
                                    t);
                        }
                        done[0]++;
                    }
                },
                () -> name + ": no answer within " + hangLimit.toMillis() + " ms, in case " + current[0] + " of seed "
                        + seed + replay);
        System.out.println(name + ": " + done[0] + " cases, seed " + seed);
    }

    /**
     * A rejection a user can act on: a message that says something, on one line, short enough
     * for a log line or a crawl checkpoint whatever the input held.
     */
    public static void assertClearMessage(Throwable rejection) {
        String message = rejection.getMessage();
        if (message == null || message.isBlank()) {
            fail("rejected without a message: " + rejection.getClass().getName(), rejection);
        }
        if (message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0) {
            fail("message spans several lines: " + shorten(message), rejection);
        }
        if (message.length() > MAX_MESSAGE_CHARS) {
            fail("message of " + message.length() + " characters: " + shorten(message), rejection);
        }
    }

    /** Inputs in failure messages, cut so a megabyte of garbage stays readable. */
    public static String shorten(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…(" + text.length() + " chars)";
    }

    private static final int MAX_MESSAGE_CHARS = 2000;

    /**
     * Bytes the current thread allocated so far; the difference around a call bounds the memory
     * the call can have needed, garbage included.
     */
    public static long allocatedBytes() {
        return ((ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }
}
