package org.revenant.source.torrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.source.torrent.Bencoder.dict;
import static org.revenant.source.torrent.TorrentFixtures.file;
import static org.revenant.source.torrent.TorrentFixtures.multiFileInfo;
import static org.revenant.source.torrent.TorrentFixtures.singleFileInfo;
import static org.revenant.source.torrent.TorrentFixtures.torrent;
import static org.revenant.source.torrent.TorrentFixtures.v2File;
import static org.revenant.source.torrent.TorrentFixtures.v2Info;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;

class TorrentManifestsTest {

    @Test
    void multiFileEntriesSitUnderTheTorrentName() throws Exception {
        TorrentMetainfo meta = TorrentMetainfo.parse(torrent(
                multiFileInfo("MS-Celeb-1M", List.of(file(1160, "README.md"), file(5000, "data", "faces.tsv")))));
        TorrentManifest manifest =
                TorrentManifests.fromMetainfo(meta, "https://academictorrents.com/download/x.torrent");

        Mirror mirror = manifest.mirror();
        assertEquals("torrent:" + meta.btih(), mirror.getKey());
        assertEquals("torrent", mirror.getPlatform());
        assertEquals(meta.btih(), mirror.getLocator());
        assertEquals("MS-Celeb-1M", mirror.getTitle());
        assertEquals(MirrorStatus.PRESENT, mirror.getStatus());
        assertEquals("https://academictorrents.com/download/x.torrent", mirror.getUrl());
        assertEquals(Map.of("btih", meta.btih()), mirror.getIdentifiers());

        List<ManifestEntry> entries = manifest.entries();
        assertEquals(
                List.of("MS-Celeb-1M/README.md", "MS-Celeb-1M/data/faces.tsv"),
                entries.stream().map(ManifestEntry::getPath).toList());
        assertEquals(
                List.of(1160L, 5000L),
                entries.stream().map(ManifestEntry::getSize).toList());
        assertTrue(entries.stream().allMatch(e -> e.getKind() == EntryKind.FILE));
        assertEquals(6160, manifest.totalBytes());
    }

    @Test
    void singleFileEntryIsTheNameAlone() throws Exception {
        TorrentMetainfo meta = TorrentMetainfo.parse(torrent(singleFileInfo("faces.tsv", 10)));
        TorrentManifest manifest = TorrentManifests.fromMetainfo(meta, null);
        assertEquals(
                List.of("faces.tsv"),
                manifest.entries().stream().map(ManifestEntry::getPath).toList());
    }

    @Test
    void withoutUrlTheMirrorLinksToAMagnetOfItsOwnHash() throws Exception {
        TorrentMetainfo meta = TorrentMetainfo.parse(torrent(singleFileInfo("faces set.tsv", 10)));
        String url = TorrentManifests.fromMetainfo(meta, null).mirror().getUrl();
        assertEquals("magnet:?xt=urn:btih:" + meta.btih() + "&dn=faces%20set.tsv", url);
        assertEquals(meta.btih(), MagnetLink.parse(url).btih());
    }

    @Test
    void v2OnlyTorrentIsKeyedByBtmh() throws Exception {
        TorrentMetainfo meta =
                TorrentMetainfo.parse(torrent(v2Info("set", dict("a", v2File(5, 1), "b", v2File(6, 2)))));
        Mirror mirror = TorrentManifests.fromMetainfo(meta, null).mirror();
        assertEquals("torrent:btmh:" + meta.btmh(), mirror.getKey());
        assertEquals("btmh:" + meta.btmh(), mirror.getLocator());
        assertEquals(Map.of("btmh", meta.btmh()), mirror.getIdentifiers());
    }

    @Test
    void hybridTorrentIsKeyedByBtihAndCarriesBothIdentifiers() throws Exception {
        Map<String, Object> info = dict(
                "file tree",
                dict("a", v2File(5, 1)),
                "length",
                5,
                "meta version",
                2,
                "name",
                "a",
                "piece length",
                TorrentFixtures.PIECE,
                "pieces",
                TorrentFixtures.pieces(5));
        TorrentMetainfo meta = TorrentMetainfo.parse(torrent(info));
        Mirror mirror = TorrentManifests.fromMetainfo(meta, null).mirror();
        assertEquals("torrent:" + meta.btih(), mirror.getKey());
        assertEquals(Map.of("btih", meta.btih(), "btmh", meta.btmh()), mirror.getIdentifiers());
    }

    @Test
    void magnetWithoutMetadataGivesAMirrorWithNoEntries() throws Exception {
        String uri = "magnet:?xt=urn:btih:9e67eb7cc23c9417f39778a8e06cca5e26196a97&dn=MS-Celeb-1M";
        TorrentManifest manifest = TorrentManifests.fromMagnet(MagnetLink.parse(uri));
        assertEquals(
                "torrent:9e67eb7cc23c9417f39778a8e06cca5e26196a97",
                manifest.mirror().getKey());
        assertEquals("MS-Celeb-1M", manifest.mirror().getTitle());
        assertEquals(uri, manifest.mirror().getUrl());
        assertEquals(
                Map.of("btih", "9e67eb7cc23c9417f39778a8e06cca5e26196a97"),
                manifest.mirror().getIdentifiers());
        assertTrue(manifest.entries().isEmpty());
    }
}
