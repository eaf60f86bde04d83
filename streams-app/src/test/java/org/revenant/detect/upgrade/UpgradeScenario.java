package org.revenant.detect.upgrade;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.detect.Fixtures;

/**
 * The mirrors of the upgrade fixture: what the release with the per-entry layout was given, and
 * what the upgraded release is given next. Changing any of this needs the fixture rewritten by
 * that release, so it does not change.
 */
final class UpgradeScenario {

    /** Alerted on MS-Celeb-1M's file sizes; 250 files in 3 chunks. */
    static final Mirror ALERTED = Fixtures.mirror("github:upgrade/alerted", MirrorStatus.PRESENT, Map.of());
    /** Alerted, then marked a false positive by an analyst. */
    static final Mirror DECIDED = Fixtures.mirror("hf:upgrade/decided", MirrorStatus.PRESENT, Map.of());
    /** 200 files; then a second snapshot of 2 chunks of which only the first arrived before the upgrade. */
    static final Mirror HALF = Fixtures.mirror("github:upgrade/half", MirrorStatus.PRESENT, Map.of());

    private UpgradeScenario() {}

    static List<ManifestEntry> alertedFiles() {
        List<ManifestEntry> files = new ArrayList<>();
        files.add(Fixtures.file("a/FaceImageCroppedWithAlignment.tsv", Fixtures.ALIGNED_TSV));
        files.add(Fixtures.file("a/FaceImageCroppedWithOutAlignment.tsv", Fixtures.CROPPED_TSV));
        for (int i = 0; i < 248; i++) {
            files.add(Fixtures.file(String.format("a/img/%04d.jpg", i), 1000 + i));
        }
        return files;
    }

    static List<ManifestEntry> decidedFiles() {
        List<ManifestEntry> files = new ArrayList<>();
        files.add(Fixtures.file("d/part-1.bin", Fixtures.ALIGNED_TSV));
        files.add(Fixtures.file("d/part-2.bin", Fixtures.CROPPED_TSV));
        for (int i = 0; i < 120; i++) {
            files.add(Fixtures.file(String.format("d/x/%04d.dat", i), 7 + i));
        }
        return files;
    }

    /** Files f0000 … f0199. */
    static List<ManifestEntry> halfFirst() {
        List<ManifestEntry> files = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            files.add(Fixtures.file(String.format("c/f%04d", i), 10 + i));
        }
        return files;
    }

    /**
     * f0000 … f0149 with f0005 changed, then n0000 … n0049: 50 added, 1 modified, 50 removed
     * (f0150 … f0199) against {@link #halfFirst()}. Chunks of 100: the first is f0000 … f0099.
     */
    static List<ManifestEntry> halfSecond() {
        List<ManifestEntry> files = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            files.add(Fixtures.file(String.format("c/f%04d", i), i == 5 ? 99_999 : 10 + i));
        }
        for (int i = 0; i < 50; i++) {
            files.add(Fixtures.file(String.format("c/n%04d", i), 5_000 + i));
        }
        return files;
    }
}
