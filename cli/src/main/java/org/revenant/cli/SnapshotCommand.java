package org.revenant.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.revenant.publish.SnapshotPublisher;
import org.revenant.source.torrent.BencodeReader;
import org.revenant.source.torrent.MagnetLink;
import org.revenant.source.torrent.TorrentException;
import org.revenant.source.torrent.TorrentFetcher;
import org.revenant.source.torrent.TorrentManifest;
import org.revenant.source.torrent.TorrentManifests;
import org.revenant.source.torrent.TorrentMetainfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Publish one snapshot of a mirror to the snapshots topic.",
        subcommands = SnapshotCommand.Torrent.class)
final class SnapshotCommand {

    @Command(name = "torrent", mixinStandardHelpOptions = true,
            description = {"Publish a torrent as a mirror (key torrent:<infohash>) with its file list.",
                    "Accepts a .torrent file, an http(s) URL of one, or a magnet link (no file list)."})
    static final class Torrent implements Callable<Integer> {
        @Mixin KafkaOptions kafka;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "FILE|URL|MAGNET", description = "Where the torrent is.")
        String source;

        @Override
        public Integer call() {
            TorrentManifest manifest = read(source);
            try (SnapshotPublisher publisher = new SnapshotPublisher(kafka.clientProperties(), kafka.topics(),
                    "cli-torrent", "revenant-cli-" + UUID.randomUUID())) {
                var published = publisher.publish(manifest.mirror(), manifest.entries(), null, Instant.now());
                spec.commandLine().getOut().printf("published snapshot %s of %s (%s): %d file(s), %,d bytes, %d chunk(s) to %s%n",
                        published.snapshotId(), Terminal.safe(published.mirrorKey()), Terminal.safe(manifest.mirror().getTitle()),
                        published.entries(), published.bytes(), published.chunks(), kafka.topics().snapshots.name());
            }
            return 0;
        }
    }

    static TorrentManifest read(String source) {
        String lower = source.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("magnet:")) {
                return TorrentManifests.fromMagnet(MagnetLink.parse(source));
            }
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                TorrentMetainfo meta = new TorrentFetcher(TorrentFetcher.Settings.defaults()).fetchMetainfo(URI.create(source));
                return TorrentManifests.fromMetainfo(meta, source);
            }
            Path file = Path.of(source);
            long size = Files.size(file);
            int max = BencodeReader.Limits.TORRENT_FILE.maxInputBytes();
            if (size > max) {
                throw new UserError(source + ": " + size + " bytes is more than a .torrent file may be (" + max + ")");
            }
            return TorrentManifests.fromMetainfo(TorrentMetainfo.parse(Files.readAllBytes(file)), null);
        } catch (TorrentException e) {
            throw new UserError(source + ": " + e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new UserError(source + ": no such file");
        } catch (IOException e) {
            throw new UserError("cannot read " + source + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UserError(source + ": " + e.getMessage(), e);
        }
    }
}
