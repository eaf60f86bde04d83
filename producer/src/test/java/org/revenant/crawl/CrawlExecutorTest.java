package org.revenant.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.wire.Topics;

/**
 * The executor's promises about one job: it ends by its deadline, whatever the source does, and
 * whatever the source throws is that job's recorded failure, never the caller's.
 */
@Timeout(60)
class CrawlExecutorTest {

    /** Checkpoints kept in memory: the producer behind them gives up at once (nothing listens on port 1). */
    final CheckpointStore checkpoints = new CheckpointStore(offline(), Topics.defaults());

    final List<Snapshot> published = new CopyOnWriteArrayList<>();
    final List<CrawlExecutor> executors = new ArrayList<>();

    static Properties offline() {
        Properties p = new Properties();
        p.put("bootstrap.servers", "127.0.0.1:1");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 50);
        return p;
    }

    @AfterEach
    void close() {
        executors.forEach(CrawlExecutor::close);
        checkpoints.close();
    }

    CrawlExecutor executor(Source source, Duration jobTimeout) {
        CrawlExecutor e = new CrawlExecutor(
                Map.of("stub", source), checkpoints, new CrawlMetrics(), Clock.systemUTC(), jobTimeout);
        executors.add(e);
        return e;
    }

    interface Crawl {
        CrawlOutcome crawl(String locator) throws Exception;
    }

    static Source source(Crawl crawl) {
        return new Source() {
            @Override
            public String name() {
                return "stub";
            }

            @Override
            public List<String> queries(DiscoveryTerms terms) {
                return List.of("q");
            }

            @Override
            public Discovery discover(String query, DiscoveryTerms terms, CrawlCheckpoint previous) {
                throw new IllegalStateException("discovery broke on " + query);
            }

            @Override
            public String mirrorKey(String locator) {
                return "stub:" + locator;
            }

            @Override
            public CrawlOutcome crawl(String locator, CrawlCheckpoint previous) throws CrawlException {
                try {
                    return crawl.crawl(locator);
                } catch (CrawlException | RuntimeException | Error e) {
                    throw e;
                } catch (Exception e) {
                    throw new CrawlException(e.toString(), e);
                }
            }
        };
    }

    static CrawlOutcome present(String locator) {
        Mirror m = Mirror.newBuilder()
                .setKey("stub:" + locator)
                .setPlatform("stub")
                .setLocator(locator)
                .setStatus(MirrorStatus.PRESENT)
                .build();
        return CrawlOutcome.of(Snapshot.status(m), null, null);
    }

    String lastStatus(String locator) {
        return checkpoints.get(CrawlExecutor.mirrorKey("stub", locator)).getLastStatus();
    }

    @Test
    void aBusyLoopThatChecksForInterruptsIsStoppedAtTheDeadlineAndTheNextJobRuns() {
        CrawlExecutor executor = executor(
                source(locator -> {
                    if (locator.equals("slow")) {
                        while (true) { // a CPU loop over hostile input, checking as the sources do
                            CrawlException.checkInterrupted();
                        }
                    }
                    return present(locator);
                }),
                Duration.ofSeconds(1));
        present("warm-up"); // class loading on a busy machine is not what this test measures
        assertTimeoutPreemptively(Duration.ofSeconds(8), () -> {
            CrawlExecutor.MirrorResult slow = executor.mirror("stub", "slow", null, (s, at) -> published.add(s));
            assertEquals(CrawlExecutor.Result.FAILED, slow.result());
            assertEquals("took longer than 1s (crawl.jobTimeout): stopped", slow.reason());
            assertEquals("FAILED: took longer than 1s (crawl.jobTimeout): stopped", lastStatus("slow"));
            assertEquals(
                    1, checkpoints.get(CrawlExecutor.mirrorKey("stub", "slow")).getFailures());

            CrawlExecutor.MirrorResult fine = executor.mirror("stub", "fine", null, (s, at) -> published.add(s));
            assertEquals(CrawlExecutor.Result.CRAWLED, fine.result(), fine.reason());
            assertEquals("PRESENT", lastStatus("fine"));
        });
        assertEquals(1, published.size());
        waitUntil(() -> executor.overrunningJobs() == 0, "the interrupted loop stops");
    }

    @Test
    void aJobThatIgnoresInterruptsStillFailsOnTimeAndIsCountedAsOverrunning() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CrawlExecutor executor = executor(
                source(locator -> {
                    while (release.getCount() > 0) {
                        Thread.onSpinWait(); // deaf to interrupts
                    }
                    return present(locator);
                }),
                Duration.ofMillis(200));
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            CrawlExecutor.MirrorResult r = executor.mirror("stub", "deaf", null, (s, at) -> published.add(s));
            assertEquals(CrawlExecutor.Result.FAILED, r.result());
        });
        assertEquals(1, executor.overrunningJobs());
        release.countDown();
        waitUntil(() -> executor.overrunningJobs() == 0, "the overrun ends when the loop does");
        assertTrue(published.isEmpty(), "a result after the deadline is not published");
    }

    @Test
    void errorsAndUncheckedExceptionsFailOnlyTheirJob() {
        CrawlExecutor executor = executor(
                source(locator -> switch (locator) {
                    case "overflow" -> throw new StackOverflowError();
                    case "arithmetic" -> throw new ArithmeticException("long overflow");
                    case "long-reason" ->
                        throw new NumberFormatException("For input string: \"" + "9".repeat(100_000) + "\"");
                    default -> present(locator);
                }),
                Duration.ofSeconds(10));
        assertEquals(
                CrawlExecutor.Result.FAILED,
                executor.mirror("stub", "overflow", null, (s, at) -> {}).result());
        assertEquals("FAILED: unexpected StackOverflowError", lastStatus("overflow"));
        assertEquals("FAILED: unexpected ArithmeticException: long overflow", lastStatus(run(executor, "arithmetic")));
        run(executor, "long-reason");
        assertTrue(
                lastStatus("long-reason").length() <= "FAILED: ".length() + CrawlExecutor.MAX_REASON_CHARS + 1,
                "a reason quoting hostile input is capped: "
                        + lastStatus("long-reason").length());
        CrawlExecutor.QueryResult q = executor.query("stub", "q", new DiscoveryTerms(Set.of(), Set.of(), Set.of()));
        assertEquals(CrawlExecutor.Result.FAILED, q.result());
        assertEquals("unexpected IllegalStateException: discovery broke on q", q.reason());
        assertEquals(
                CrawlExecutor.Result.CRAWLED,
                executor.mirror("stub", "after", null, (s, at) -> {}).result());
    }

    @Test
    void aSnapshotThePublisherRefusesFailsThatMirrorOnly() {
        CrawlExecutor executor = executor(source(CrawlExecutorTest::present), Duration.ofSeconds(10));
        CrawlExecutor.MirrorResult r = executor.mirror("stub", "refused", null, (s, at) -> {
            throw new IllegalArgumentException("too many entries");
        });
        assertEquals(CrawlExecutor.Result.FAILED, r.result());
        assertEquals("FAILED: cannot publish the snapshot: too many entries", lastStatus("refused"));
    }

    private static String run(CrawlExecutor executor, String locator) {
        executor.mirror("stub", locator, null, (s, at) -> {});
        return locator;
    }

    private static void waitUntil(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 5 s: " + what);
            }
            Thread.onSpinWait();
        }
    }
}
