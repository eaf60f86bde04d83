package org.revenant.testkit;

import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;

/**
 * Whether tests that need Docker (the Testcontainers tier, the compose smoke test) can run here.
 *
 * <p>Without an engine they are skipped with a loud message, unless {@value #REQUIRE_ENV} is
 * {@code true} (CI sets it once it has started an engine): then a missing engine fails them, so
 * a tier that was meant to run cannot pass by being skipped.
 */
public final class DockerEngine {

    /** Environment variable that turns "no Docker engine" from a skip into a failure. */
    public static final String REQUIRE_ENV = "REVENANT_REQUIRE_DOCKER";

    private DockerEngine() {}

    /** Returns when an engine answers; otherwise aborts (skips) or fails the calling test. */
    public static void requireOrSkip(String what) {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return;
        }
        String message = "NO DOCKER ENGINE: " + what + " cannot run here (start dockerd, or see README: Docker)";
        if (Boolean.parseBoolean(System.getenv(REQUIRE_ENV))) {
            throw new IllegalStateException(message + "; " + REQUIRE_ENV + "=true makes that a failure");
        }
        System.err.println("*** " + message + " -- SKIPPED ***");
        throw new TestAbortedException(message);
    }

    /**
     * The image to run for {@code official} (e.g. {@code apache/kafka:4.2.1}): the value of the
     * environment variable {@code variable} when set, which may name a locally built stand-in
     * such as the ones docker/build-images.sh makes.
     */
    public static String image(String variable, String official) {
        String configured = System.getenv(variable);
        return configured == null || configured.isBlank() ? official : configured.strip();
    }
}
