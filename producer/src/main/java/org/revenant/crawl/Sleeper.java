package org.revenant.crawl;

import java.time.Duration;

/** How the crawler waits between retries; tests substitute one that only records the waits. */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;

    Sleeper REAL = d -> Thread.sleep(Math.max(0, d.toMillis()));
}
