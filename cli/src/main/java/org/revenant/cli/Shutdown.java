package org.revenant.cli;

import java.util.concurrent.CountDownLatch;

/** Ctrl-C handling for long-running commands. */
final class Shutdown {

    private Shutdown() {}

    /**
     * Blocks until the JVM is asked to stop (Ctrl-C, SIGTERM), then closes the resources in the
     * given order inside the shutdown hook, so the JVM exits only after they are closed cleanly.
     * Null entries (parts that were not started) are skipped.
     */
    static void closeOnSignal(AutoCloseable... inOrder) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.err.println("revenant: shutting down...");
                            for (AutoCloseable resource : inOrder) {
                                if (resource == null) {
                                    continue;
                                }
                                try {
                                    resource.close();
                                } catch (Exception e) {
                                    System.err.println("revenant: error while closing: " + e.getMessage());
                                }
                            }
                            System.err.println("revenant: stopped.");
                            closed.countDown();
                        },
                        "revenant-shutdown"));
        closed.await();
    }
}
