package org.revenant.cli.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.Metric;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * Where a timed streams pass spent its time, from counters the JVM and the app keep anyway, read
 * at the pass's start and end: the stream threads' CPU, their time blocked on Kafka (of which
 * flushing the producer before a commit), and the whole JVM's time compiling and collecting.
 * The pass's wall time minus the first two is time the stream threads were ready but not running.
 */
record PassCosts(double streamThreadCpu, double blockedOnKafka, double flushing, double compiling, double collecting) {

    /** The counters at the start of a pass. */
    static final class Meter {
        private final KafkaStreams streams;
        private final PassCosts start;

        Meter(KafkaStreams streams) {
            this.streams = streams;
            this.start = read(streams);
        }

        PassCosts stop() {
            PassCosts end = read(streams);
            return new PassCosts(
                    end.streamThreadCpu - start.streamThreadCpu,
                    end.blockedOnKafka - start.blockedOnKafka,
                    end.flushing - start.flushing,
                    end.compiling - start.compiling,
                    end.collecting - start.collecting);
        }
    }

    String line() {
        return String.format(
                "stream thread: %.2f s CPU, %.2f s blocked on Kafka (%.2f s flushing); JVM: %.2f s compiling, %.2f s in GC",
                streamThreadCpu, blockedOnKafka, flushing, compiling, collecting);
    }

    private static PassCosts read(KafkaStreams streams) {
        Set<String> names = new HashSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            names.add(thread.threadName());
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && names.contains(info.getThreadName())) {
                cpu += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        double blocked = 0;
        double flushing = 0;
        for (Metric metric : streams.metrics().values()) {
            String name = metric.metricName().name();
            if (name.equals("blocked-time-ns-total") || name.equals("flush-time-ns-total")) {
                double value = metric.metricValue() instanceof Number n ? n.doubleValue() : 0;
                if (name.startsWith("blocked")) {
                    blocked += value;
                } else {
                    flushing += value;
                }
            }
        }
        long gc = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, collector.getCollectionTime());
        }
        double compiling = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() / 1e3;
        return new PassCosts(cpu / 1e9, blocked / 1e9, flushing / 1e9, compiling, gc / 1e3);
    }
}
