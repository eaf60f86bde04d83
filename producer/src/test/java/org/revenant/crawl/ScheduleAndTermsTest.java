package org.revenant.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.revenant.avro.CrawlCheckpoint;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.registry.RegistryLoader;

class ScheduleAndTermsTest {

    static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

    static CrawlCheckpoint attempted(Instant at, int failures) {
        return CrawlCheckpoint.newBuilder()
                .setKey("github/a/b")
                .setSource("github")
                .setFailures(failures)
                .setExtra(Map.of(Schedule.ATTEMPTED_AT, Long.toString(at.toEpochMilli())))
                .build();
    }

    @Test
    void aMirrorIsDueAfterItsIntervalAndSoonerAfterFailuresBackingOff() {
        Duration sixHours = Duration.ofHours(6);
        assertTrue(Schedule.isDue(null, sixHours, T0), "never crawled");
        assertFalse(Schedule.isDue(attempted(T0, 0), sixHours, T0.plus(Duration.ofHours(5))));
        assertTrue(Schedule.isDue(attempted(T0, 0), sixHours, T0.plus(sixHours)));
        assertTrue(Schedule.isDue(attempted(T0, 1), sixHours, T0.plusSeconds(60)), "first retry after a minute");
        assertFalse(Schedule.isDue(attempted(T0, 3), sixHours, T0.plusSeconds(200)), "third failure: four minutes");
        assertTrue(Schedule.isDue(attempted(T0, 3), sixHours, T0.plusSeconds(240)));
        assertTrue(Schedule.isDue(attempted(T0, 30), sixHours, T0.plus(sixHours)), "never longer than the interval");
    }

    @Test
    void theBundledRegistryGivesNamesFileNamesAndInfohashesToSearchFor() {
        DiscoveryTerms terms = DiscoveryTerms.from(RegistryLoader.load(Path.of("..", "registry")));
        assertTrue(terms.names().contains("MS-Celeb-1M"), terms.names().toString());
        assertTrue(terms.fileNames().contains("FaceImageCroppedWithAlignment.tsv"));
        assertTrue(terms.btihs().contains("9e67eb7cc23c9417f39778a8e06cca5e26196a97"));
        assertTrue(terms.titleMentions("MS-Celeb-1M (aligned faces)"));
        assertTrue(terms.titleMentions("ms celeb 1m"));
        assertFalse(terms.titleMentions("Celebrations of 2019"));
        // What a Git LFS pointer to one of its files would say: exact sizes, from FILE_SIZE signatures
        // and reference manifests, only the large ones (a 28 KB sample image's size is anybody's).
        assertTrue(terms.sizes().contains(91_124_295_076L), terms.sizes().toString());
        assertTrue(terms.sizes().contains(155_266_310_084L));
        assertTrue(terms.sizes().stream().allMatch(size -> size >= DiscoveryTerms.MIN_SEARCHED_SIZE));
        assertFalse(terms.sizes().contains(28_808L), "samples_0.jpg of the reference manifest");
        // What an archive's search can find: a copy's total size, a file's MD5.
        assertTrue(
                terms.totals().contains(246_390_693_904L), "the Academic Torrents copy's 7 files: " + terms.totals());
        assertTrue(
                terms.md5s().contains("7c053dd0462b4af243bb95b7b31da6e6"),
                terms.md5s().toString());
        assertEquals(
                terms.fingerprint(),
                DiscoveryTerms.from(RegistryLoader.load(Path.of("..", "registry")))
                        .fingerprint());
    }

    @Test
    void magnetsAndFileHostLinksAreTakenFromTextAndNothingElse() {
        String text = "Download: magnet:?xt=urn:btih:9E67EB7CC23C9417F39778A8E06CCA5E26196A97&dn=x (seeded), "
                + "[drive](https://drive.google.com/uc?id=1abc). Code at https://github.com/a/b. Bad: magnet:?xt=urn:btih:zz";
        List<ManifestEntry> found = TextLinks.extract(text, "README.md");
        assertEquals(2, found.size(), found.toString());
        assertEquals(EntryKind.MAGNET_REF, found.get(0).getKind());
        assertEquals("9e67eb7cc23c9417f39778a8e06cca5e26196a97", found.get(0).getRef());
        assertEquals("https://drive.google.com/uc?id=1abc", found.get(1).getRef());
    }
}
