package org.revenant.detect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;
import org.revenant.avro.SnapshotChunk;
import org.revenant.avro.Source;

/** Small registry entries and snapshots shaped like the real ones, built in code. */
public final class Fixtures {

    public static final String MS_CELEB_BTIH = "9e67eb7cc23c9417f39778a8e06cca5e26196a97";
    public static final long ALIGNED_TSV = 91_124_295_076L;
    public static final long CROPPED_TSV = 155_266_310_084L;
    public static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");

    private Fixtures() {}

    public static RetractedDataset msCeleb() {
        return dataset(
                "ms-celeb-1m",
                "MS-Celeb-1M",
                null,
                "2019-06-06",
                signature(SignatureKind.BTIH, MS_CELEB_BTIH, null),
                signature(SignatureKind.FILE_SIZE, null, ALIGNED_TSV),
                signature(SignatureKind.FILE_SIZE, null, CROPPED_TSV),
                signature(SignatureKind.FILE_NAME_SIZE, "Top1M_MidList.Name.tsv", 110_000_000L));
    }

    public static RetractedDataset ms1mv1c() {
        return dataset(
                "ms-celeb-1m-v1c",
                "MS-Celeb-1M-v1c",
                "ms-celeb-1m",
                "2019-06-06",
                signature(SignatureKind.MD5, "c5b668f2204c400099b14f367069aef5", null));
    }

    public static RetractedDataset dataset(
            String id, String name, String parent, String retractedOn, Signature... signatures) {
        return RetractedDataset.newBuilder()
                .setId(id)
                .setName(name)
                .setParent(parent)
                .setRetractedOn(retractedOn)
                .setRetractedBy("test")
                .setReasons(List.of("ethical"))
                .setSources(List.of(new Source("test source", "https://example.org/" + id)))
                .setSignatures(List.of(signatures))
                .build();
    }

    public static Signature signature(SignatureKind kind, String value, Long size) {
        return Signature.newBuilder()
                .setKind(kind)
                .setValue(value)
                .setSize(size)
                .build();
    }

    public static Mirror mirror(String key, MirrorStatus status, Map<String, String> identifiers) {
        int colon = key.indexOf(':');
        return Mirror.newBuilder()
                .setKey(key)
                .setPlatform(key.substring(0, colon))
                .setLocator(key.substring(colon + 1))
                .setUrl("https://example.org/" + key)
                .setStatus(status)
                .setIdentifiers(identifiers)
                .build();
    }

    public static Mirror torrent(String btih) {
        return mirror("torrent:" + btih, MirrorStatus.PRESENT, Map.of("btih", btih));
    }

    public static ManifestEntry file(String path, long size) {
        return ManifestEntry.newBuilder()
                .setPath(path)
                .setSize(size)
                .setKind(EntryKind.FILE)
                .build();
    }

    /** A snapshot split into chunks of at most {@code chunkSize} entries, as a crawler sends it. */
    public static List<SnapshotChunk> snapshot(Mirror mirror, int chunkSize, List<ManifestEntry> entries) {
        String id = UUID.randomUUID().toString();
        int count = Math.max(1, (entries.size() + chunkSize - 1) / chunkSize);
        long bytes = entries.stream()
                .mapToLong(e -> e.getSize() == null ? 0 : e.getSize())
                .sum();
        List<SnapshotChunk> chunks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            chunks.add(SnapshotChunk.newBuilder()
                    .setSnapshotId(id)
                    .setMirror(mirror)
                    .setObservedAt(NOW)
                    .setCrawler("test")
                    .setChunkIndex(i)
                    .setChunkCount(count)
                    .setTotalEntries(entries.size())
                    .setTotalBytes(bytes)
                    .setEntries(entries.subList(
                            Math.min(entries.size(), i * chunkSize), Math.min(entries.size(), (i + 1) * chunkSize)))
                    .build());
        }
        return chunks;
    }

    public static List<SnapshotChunk> snapshot(Mirror mirror, ManifestEntry... entries) {
        return snapshot(mirror, 2000, List.of(entries));
    }
}
