package org.revenant.detect.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The pure name, text and manifest-sketch helpers that matching and the registry index share. */
class SignalsTest {

    @Test
    void fileNamesDifferingOnlyInCaseSeparatorsAndCompatibilityFormsNormalizeAlike() {
        assertEquals("msceleb_v1_clean_tsv", NameNormalizer.normalize("MsCeleb-V1 _clean.tsv"));
        assertEquals("msceleb_v1_clean_tsv", NameNormalizer.normalize("msceleb__v1--clean..tsv"));
        // NFKC folds the full-width letters to ASCII.
        assertEquals("msceleb", NameNormalizer.normalize("ＭｓＣｅｌｅｂ"));
        assertEquals("a_b", NameNormalizer.normalize("--a\t\tb__"));
        assertEquals("", NameNormalizer.normalize(" ._- "));
        assertNotEquals(NameNormalizer.normalize("faces_emore"), NameNormalizer.normalize("facesemore"));
    }

    @Test
    void baseNameIsTheLastComponentOfSlashOrBackslashPaths() {
        assertEquals("train.rec", NameNormalizer.baseName("data/faces_emore/train.rec"));
        assertEquals("train.rec", NameNormalizer.baseName("C:\\data\\train.rec"));
        assertEquals("train.rec", NameNormalizer.baseName("train.rec"));
        assertEquals("", NameNormalizer.baseName("dir/"));
    }

    @Test
    void aliasesMatchWithOrWithoutSeparatorsButNotAcrossTokenBoundaries() {
        assertEquals(List.of("ms", "celeb", "1m"), TextSignals.tokens("MS-Celeb-1M"));
        assertEquals(TextSignals.aliasKey("MS-Celeb-1M"), TextSignals.aliasKey("ms celeb 1m"));
        assertEquals(TextSignals.aliasKey("MS-Celeb-1M"), TextSignals.aliasKey("msceleb1m"));
        assertNotEquals(TextSignals.aliasKey("ms1m"), TextSignals.aliasKey("ms1mv2"));
        assertEquals(List.of(), TextSignals.tokens(null));
        assertEquals(List.of(), TextSignals.tokens("--- ... ///"));
    }

    @Test
    void textBeyondTheCapIsNotTokenized() {
        String text = "a ".repeat(TextSignals.MAX_TEXT / 2) + "hidden";
        List<String> tokens = TextSignals.tokens(text);
        assertEquals(TextSignals.MAX_TEXT / 2, tokens.size());
        assertTrue(tokens.stream().allMatch("a"::equals));
    }

    @Test
    void manifestSketchesEstimateOverlapAndIgnoreCosmeticNameDifferences() {
        long[] original = LongStream.range(0, 1000)
                .map(i -> ManifestSketch.pairHash("dir/file-" + i + ".jpg", 1000 + i))
                .toArray();
        long[] renamed = LongStream.range(0, 1000)
                .map(i -> ManifestSketch.pairHash("other/FILE_" + i + ".JPG", 1000 + i))
                .toArray();
        long[] half = LongStream.range(500, 1500)
                .map(i -> ManifestSketch.pairHash("file-" + i + ".jpg", 1000 + i))
                .toArray();
        long[] unrelated = LongStream.range(0, 1000)
                .map(i -> ManifestSketch.pairHash("file-" + i + ".jpg", 5000 + i))
                .toArray();

        byte[] a = ManifestSketch.signature(original);
        assertEquals(1.0, ManifestSketch.similarity(a, ManifestSketch.signature(renamed)));
        // 500 shared of 1,500 distinct: Jaccard 1/3.
        assertEquals(1.0 / 3, ManifestSketch.similarity(a, ManifestSketch.signature(half)), 0.08);
        assertEquals(0.0, ManifestSketch.similarity(a, ManifestSketch.signature(unrelated)), 0.05);
        // Duplicates do not change the set.
        long[] doubled = LongStream.concat(LongStream.of(original), LongStream.of(original))
                .toArray();
        assertEquals(1.0, ManifestSketch.similarity(a, ManifestSketch.signature(doubled)));
    }
}
