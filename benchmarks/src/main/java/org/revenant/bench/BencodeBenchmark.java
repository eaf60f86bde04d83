package org.revenant.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.revenant.source.torrent.TorrentException;
import org.revenant.source.torrent.TorrentMetainfo;

/** A generated 10,000-file multi-file torrent parsed per second (infohash included); its size gives MB/s. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BencodeBenchmark {

    public byte[] torrent;

    @Setup
    public void setUp() {
        ByteArrayOutputStream files = new ByteArrayOutputStream();
        long total = 0;
        for (int i = 0; i < 10_000; i++) {
            long length = 100_000L + i;
            total += length;
            String dir = "shard-" + (i % 100);
            String name = "image-" + i + ".jpg";
            write(files, "d" + str("length") + "i" + length + "e" + str("path") + "l" + str(dir) + str(name) + "ee");
        }
        long pieceLength = 4L * 1024 * 1024;
        int pieces = (int) ((total + pieceLength - 1) / pieceLength);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, "d" + str("announce") + str("udp://t.example:1337") + str("info") + "d" + str("files"));
        write(out, "l");
        out.writeBytes(files.toByteArray());
        write(
                out,
                "e" + str("name") + str("bench") + str("piece length") + "i" + pieceLength + "e" + str("pieces")
                        + (20 * pieces) + ":");
        out.writeBytes(new byte[20 * pieces]);
        write(out, "ee");
        torrent = out.toByteArray();
    }

    @Benchmark
    public TorrentMetainfo parse() throws TorrentException {
        return TorrentMetainfo.parse(torrent);
    }

    /** A bencoded ASCII byte string. */
    private static String str(String s) {
        return s.length() + ":" + s;
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }
}
