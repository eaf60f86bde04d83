package org.revenant.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.revenant.detect.signal.NameNormalizer;
import org.revenant.detect.signal.TextSignals;

/** Name normalization per file name, and README tokenization for alias matching. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class NormalizerBenchmark {

    public String name = "data/aligned_face_images/FaceImageCroppedWithAlignment.tsv";
    public String readme = ("# Face recognition training\nWe train ArcFace on MS1M-RetinaFace (ms1m-retinaface-t1) "
                    + "and compare with faces_emore; see the InsightFace model zoo. ")
            .repeat(20);

    @Benchmark
    public String normalizeFileName() {
        return NameNormalizer.normalize(NameNormalizer.baseName(name));
    }

    @Benchmark
    public Object tokenizeReadme() {
        return TextSignals.tokens(readme);
    }
}
