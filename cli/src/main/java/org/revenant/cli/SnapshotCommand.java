package org.revenant.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.publish.SnapshotPublisher;
import org.revenant.source.dir.DirectoryScan;
import org.revenant.source.dir.DirectoryScanException;
import org.revenant.source.dir.DirectoryScanner;
import org.revenant.source.manifest.Manifest;
import org.revenant.source.manifest.ManifestException;
import org.revenant.source.manifest.ManifestJson;
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

@Command(
        name = "snapshot",
        mixinStandardHelpOptions = true,
        description = "Publish one snapshot of a mirror to the snapshots topic.",
        subcommands = {
            SnapshotCommand.Torrent.class,
            SnapshotCommand.ManifestFile.class,
            SnapshotCommand.Directory.class
        })
final class SnapshotCommand {

    @Command(
            name = "torrent",
            mixinStandardHelpOptions = true,
            description = {
                "Publish a torrent as a mirror (key torrent:<infohash>) with its file list.",
                "Accepts a .torrent file, an http(s) URL of one, or a magnet link (no file list)."
            })
    static final class Torrent implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE|URL|MAGNET", description = "Where the torrent is.")
        String source;

        @Override
        public Integer call() {
            TorrentManifest manifest = read(source);
            SnapshotPublisher.Published published =
                    publish(kafka, "cli-torrent", manifest.mirror(), manifest.entries(), null, Instant.now());
            spec.commandLine().getOut().println(summary(published, manifest.mirror(), kafka));
            return 0;
        }
    }

    @Command(
            name = "manifest",
            mixinStandardHelpOptions = true,
            description = {
                "Publish mirrors described by your own crawler, in the JSON format of docs/manifest-format.md.",
                "One FILE.json is checked completely before anything is published. Several inputs, a directory",
                "(its *.json manifests and *.jsonl JSON Lines files), a .jsonl/.ndjson file or - (JSON Lines on",
                "standard input) are published in one process, each mirror in its own transaction; a manifest",
                "that is rejected fails only itself, and a summary says what was published and what was rejected."
            })
    static final class ManifestFile implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE.json|DIR|FILE.jsonl|-", arity = "1..*", description = "The manifests.")
        List<String> inputs;

        @Override
        public Integer call() {
            if (ManifestBatch.single(inputs)) {
                Path file = Path.of(inputs.get(0));
                Manifest manifest = readManifest(file);
                for (String note : manifest.notes()) {
                    spec.commandLine().getErr().println("revenant: note: " + file + ": " + note);
                }
                SnapshotPublisher.Published published = publish(
                        kafka,
                        "cli-manifest",
                        manifest.mirror(),
                        manifest.entries(),
                        manifest.text(),
                        manifest.observedAt());
                spec.commandLine().getOut().println(summary(published, manifest.mirror(), kafka));
                return 0;
            }
            PrintWriter err = spec.commandLine().getErr();
            try (SnapshotPublisher publisher = new SnapshotPublisher(
                    kafka.reachableClientProperties(),
                    kafka.topics(),
                    "cli-manifest",
                    kafka.topics().prefix() + "cli-" + UUID.randomUUID())) {
                ManifestBatchPublisher batch = new ManifestBatchPublisher(
                        m -> publisher.publish(m.mirror(), m.entries(), m.text(), m.observedAt()),
                        err,
                        System.console() != null,
                        System::nanoTime);
                new ManifestBatch(System.in, Clock.systemUTC()).read(inputs, batch);
                batch.finish();
                spec.commandLine()
                        .getOut()
                        .println(batch.summary(kafka.topics().snapshots.name()));
                return batch.rejected() == 0 ? 0 : 1;
            }
        }
    }

    @Command(
            name = "dir",
            mixinStandardHelpOptions = true,
            description = {
                "Publish a local directory as a mirror (key dir:<host>/<absolute path>) with the size and",
                "SHA-256 of every file. Symbolic links are not followed; unreadable files are skipped with a warning."
            })
    static final class Directory implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "PATH", description = "The directory.")
        Path path;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            ScanReporter reporter = new ScanReporter(err, System.console() != null, System::nanoTime);
            DirectoryScan scan;
            try {
                scan = DirectoryScanner.forThisHost().scan(path, reporter);
            } catch (DirectoryScanException e) {
                throw new UserError(Terminal.safe(e.getMessage()), e);
            } catch (IOException e) {
                throw new UserError("cannot read " + path + ": " + e.getMessage(), e);
            } finally {
                reporter.finish();
            }
            SnapshotPublisher.Published published =
                    publish(kafka, "cli-dir", scan.mirror(), scan.entries(), null, Instant.now());
            String skipped = scan.unreadable() == 0
                    ? ""
                    : String.format(Locale.ROOT, " (skipped %d unreadable)", scan.unreadable());
            spec.commandLine().getOut().println(summary(published, scan.mirror(), kafka) + skipped);
            return 0;
        }
    }

    static SnapshotPublisher.Published publish(
            KafkaOptions kafka,
            String crawler,
            Mirror mirror,
            List<ManifestEntry> entries,
            String text,
            Instant observedAt) {
        try (SnapshotPublisher publisher = new SnapshotPublisher(
                kafka.reachableClientProperties(),
                kafka.topics(),
                crawler,
                kafka.topics().prefix() + "cli-" + UUID.randomUUID())) {
            return publisher.publish(mirror, entries, text, observedAt);
        }
    }

    static String summary(SnapshotPublisher.Published published, Mirror mirror, KafkaOptions kafka) {
        return String.format(
                Locale.ROOT,
                "published snapshot %s of %s (%s): %d file(s), %,d bytes, %d chunk(s) to %s",
                published.snapshotId(),
                Terminal.safe(published.mirrorKey()),
                Terminal.safe(mirror.getTitle()),
                published.entries(),
                published.bytes(),
                published.chunks(),
                kafka.topics().snapshots.name());
    }

    static Manifest readManifest(Path file) {
        try {
            return ManifestJson.read(file);
        } catch (ManifestException e) {
            // The message quotes the user's data, which may hold control characters.
            throw new UserError(Terminal.safe(e.getMessage()), e);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file");
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Prints progress of a directory scan to stderr every {@link #EVERY_NANOS 2 s}: in place on a
     * terminal, as plain lines otherwise, and then only once the scan has run for 2 s, so a quick
     * scan in a script prints nothing. Skipped files are warned about, the first
     * {@value #MAX_WARNINGS} of them one by one.
     */
    static final class ScanReporter implements DirectoryScanner.Listener {
        static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);
        static final int MAX_WARNINGS = 20;

        private final PrintWriter err;
        private final boolean terminal;
        private final LongSupplier nanos;
        private final long start;
        private long lastPrint;
        private boolean lineOpen;
        private int skipped;

        ScanReporter(PrintWriter err, boolean terminal, LongSupplier nanos) {
            this.err = err;
            this.terminal = terminal;
            this.nanos = nanos;
            this.start = nanos.getAsLong();
            this.lastPrint = terminal ? start - EVERY_NANOS : start;
        }

        @Override
        public void progress(DirectoryScanner.Progress p) {
            long now = nanos.getAsLong();
            if (now - lastPrint < EVERY_NANOS) {
                return;
            }
            lastPrint = now;
            double seconds = Math.max(1e-9, (now - start) / 1e9);
            String line = String.format(
                    Locale.ROOT,
                    "revenant: hashed %,d/%,d files, %,.1f/%,.1f MB, %.1f MB/s",
                    p.filesDone(),
                    p.filesTotal(),
                    p.bytesHashed() / 1e6,
                    p.bytesTotal() / 1e6,
                    p.bytesHashed() / 1e6 / seconds);
            if (terminal) {
                err.print("\r" + line + "\u001b[K");
                lineOpen = true;
            } else {
                err.println(line);
            }
            err.flush();
        }

        @Override
        public void skipped(String path, String reason) {
            endLine();
            if (++skipped <= MAX_WARNINGS) {
                err.println("revenant: warning: skipped " + Terminal.safe(path) + ": " + reason);
            }
        }

        void finish() {
            endLine();
            if (skipped > MAX_WARNINGS) {
                err.println("revenant: warning: skipped " + (skipped - MAX_WARNINGS) + " more unreadable file(s)");
            }
            err.flush();
        }

        private void endLine() {
            if (lineOpen) {
                err.println();
                lineOpen = false;
            }
        }
    }

    static TorrentManifest read(String source) {
        String lower = source.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("magnet:")) {
                return TorrentManifests.fromMagnet(MagnetLink.parse(source));
            }
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                TorrentMetainfo meta =
                        new TorrentFetcher(TorrentFetcher.Settings.defaults()).fetchMetainfo(URI.create(source));
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
