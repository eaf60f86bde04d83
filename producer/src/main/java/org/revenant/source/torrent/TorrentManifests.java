package org.revenant.source.torrent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;

/**
 * Turns parsed torrents and magnets into the {@link Mirror} and manifest entries of a snapshot.
 * Pure: no I/O, so the torrent source and the CLI share it and tests need no broker.
 */
public final class TorrentManifests {

    public static final String PLATFORM = "torrent";

    private TorrentManifests() {}

    /**
     * @param url where the .torrent came from, or null; then the mirror's url is a magnet built
     *            from the infohashes, so every torrent mirror has a link a user can open
     */
    public static TorrentManifest fromMetainfo(TorrentMetainfo meta, String url) {
        String link = url != null ? url : MagnetLink.of(meta).uri();
        Mirror mirror = mirror(meta.btih(), meta.btmh(), meta.name(), link);
        List<ManifestEntry> entries = new ArrayList<>(meta.files().size());
        for (TorrentFile file : meta.files()) {
            // Paths as a BitTorrent client shows them: under the torrent's root directory.
            String path = meta.singleFile() ? file.path() : meta.name() + "/" + file.path();
            entries.add(ManifestEntry.newBuilder()
                    .setPath(path)
                    .setSize(file.size())
                    .setKind(EntryKind.FILE)
                    .build());
        }
        return new TorrentManifest(mirror, entries);
    }

    /** A magnet without metadata: the mirror is known, its files are not. */
    public static TorrentManifest fromMagnet(MagnetLink magnet) {
        return new TorrentManifest(mirror(magnet.btih(), magnet.btmh(), magnet.displayName(), magnet.uri()), List.of());
    }

    /** {@code torrent:<btih>}, or {@code torrent:btmh:<hex>} when there is no v1 infohash. */
    public static String mirrorKey(String btih, String btmh) {
        return PLATFORM + ":" + locator(btih, btmh);
    }

    private static String locator(String btih, String btmh) {
        if (btih != null) {
            return btih;
        }
        if (btmh != null) {
            return "btmh:" + btmh;
        }
        throw new IllegalArgumentException("a torrent mirror needs a btih or a btmh");
    }

    private static Mirror mirror(String btih, String btmh, String title, String url) {
        Map<String, String> identifiers = new LinkedHashMap<>();
        if (btih != null) {
            identifiers.put("btih", btih);
        }
        if (btmh != null) {
            identifiers.put("btmh", btmh);
        }
        return Mirror.newBuilder()
                .setKey(mirrorKey(btih, btmh))
                .setPlatform(PLATFORM)
                .setLocator(locator(btih, btmh))
                .setUrl(url)
                .setTitle(title)
                .setStatus(MirrorStatus.PRESENT)
                .setIdentifiers(new LinkedHashMap<>(identifiers))
                .build();
    }
}
