package org.revenant.source.dir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.revenant.avro.EntryKind;
import org.revenant.avro.ManifestEntry;
import org.revenant.avro.Mirror;
import org.revenant.avro.MirrorStatus;

/**
 * Snapshots a local directory: the size and SHA-256 of every regular file under it, so a copy of
 * a retracted dataset on a user's own disk or file server can be matched like any mirror.
 *
 * <p>Symbolic links are never followed (a link could lead outside the directory, or loop), and a
 * file or directory that cannot be read is skipped and reported rather than failing the scan.
 * Files are read as a stream through one fixed buffer, so memory does not grow with file size.
 */
public final class DirectoryScanner {

    public static final String PLATFORM = "dir";
    static final int BUFFER_BYTES = 1 << 20;
    /** A long file reports progress this often, so a single 100 GB file does not look stuck. */
    static final long PROGRESS_EVERY_BYTES = 8L << 20;

    /** Where a scan has got to. Totals are known before hashing starts. */
    public record Progress(int filesDone, int filesTotal, long bytesHashed, long bytesTotal) {}

    /** Hears about a scan as it goes; both methods are called on the scanning thread. */
    public interface Listener {
        Listener NONE = new Listener() {};

        default void progress(Progress progress) {}

        /** A file or directory was skipped because it could not be read. */
        default void skipped(String path, String reason) {}
    }

    private final String host;

    /** @param host names the machine in the mirror key, {@code dir:<host>/<absolute path>} */
    public DirectoryScanner(String host) {
        Objects.requireNonNull(host, "host");
        if (host.isBlank() || host.contains("/")) {
            throw new IllegalArgumentException("host must be a non-blank name without '/': " + host);
        }
        this.host = host.toLowerCase(Locale.ROOT);
    }

    /** A scanner naming this machine by its host name ({@code local} when it has none). */
    public static DirectoryScanner forThisHost() {
        return new DirectoryScanner(hostName());
    }

    public DirectoryScan scan(Path dir, Listener listener) throws DirectoryScanException, IOException {
        Objects.requireNonNull(listener, "listener");
        if (!Files.exists(dir)) {
            throw new DirectoryScanException(dir + ": no such directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new DirectoryScanException(dir + ": not a directory");
        }
        // The directory named by the user may itself be a link; only links inside it are not followed.
        Path root = dir.toRealPath();
        Walk walk = new Walk(root, listener);
        Files.walkFileTree(root, Set.of(), Integer.MAX_VALUE, walk);
        walk.found.sort(Comparator.comparing(Found::path));

        long bytesTotal = walk.found.stream().mapToLong(Found::size).sum();
        Hasher hasher = new Hasher(walk.found.size(), bytesTotal, listener);
        List<ManifestEntry> entries = new ArrayList<>(walk.found.size());
        int unreadable = walk.unreadable;
        for (Found file : walk.found) {
            try {
                entries.add(hasher.entry(file));
            } catch (IOException e) {
                unreadable++;
                listener.skipped(file.path(), reason(e));
            }
            hasher.fileDone();
        }
        return new DirectoryScan(mirror(root), entries, unreadable, walk.notRegular, hasher.bytesHashed);
    }

    Mirror mirror(Path root) {
        String absolute = root.toString().replace(root.getFileSystem().getSeparator(), "/");
        String locator = host + (absolute.startsWith("/") ? "" : "/") + absolute;
        Path name = root.getFileName();
        return Mirror.newBuilder()
                .setKey(PLATFORM + ":" + locator)
                .setPlatform(PLATFORM)
                .setLocator(locator)
                .setUrl(root.toUri().toString())
                .setTitle(name == null ? absolute : name.toString())
                .setStatus(MirrorStatus.PRESENT)
                .setIdentifiers(new LinkedHashMap<>())
                .build();
    }

    /** A regular file found by the walk, with its path relative to the root, '/'-separated. */
    private record Found(String path, Path file, long size) {}

    private static final class Walk extends SimpleFileVisitor<Path> {
        private final Path root;
        private final Listener listener;
        final List<Found> found = new ArrayList<>();
        int unreadable;
        int notRegular;

        Walk(Path root, Listener listener) {
            this.root = root;
            this.listener = listener;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
                found.add(new Found(relative(file), file, attrs.size()));
            } else if (!attrs.isDirectory()) {
                notRegular++;
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (file.equals(root)) {
                throw e;
            }
            unreadable++;
            listener.skipped(relative(file), reason(e));
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
                if (dir.equals(root)) {
                    throw e;
                }
                unreadable++;
                listener.skipped(relative(dir), "listing stopped: " + reason(e));
            }
            return FileVisitResult.CONTINUE;
        }

        private String relative(Path file) {
            StringBuilder out = new StringBuilder();
            for (Path part : root.relativize(file)) {
                if (out.length() > 0) {
                    out.append('/');
                }
                out.append(part);
            }
            return out.toString();
        }
    }

    /** Hashes files one after another through one buffer, counting progress. */
    private static final class Hasher {
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
        private final MessageDigest sha256 = sha256();
        private final int filesTotal;
        private final long bytesTotal;
        private final Listener listener;
        private int filesDone;
        long bytesHashed;

        Hasher(int filesTotal, long bytesTotal, Listener listener) {
            this.filesTotal = filesTotal;
            this.bytesTotal = bytesTotal;
            this.listener = listener;
        }

        ManifestEntry entry(Found found) throws IOException {
            sha256.reset();
            long size = 0;
            long nextReport = PROGRESS_EVERY_BYTES;
            // NOFOLLOW_LINKS: a file swapped for a link between the walk and now is not followed either.
            try (FileChannel channel =
                    FileChannel.open(found.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                int read;
                while ((read = channel.read(buffer.clear())) >= 0) {
                    sha256.update(buffer.array(), 0, read);
                    size += read;
                    bytesHashed += read;
                    if (size >= nextReport) {
                        nextReport += PROGRESS_EVERY_BYTES;
                        report();
                    }
                }
            }
            return ManifestEntry.newBuilder()
                    .setPath(found.path())
                    .setSize(size)
                    .setSha256(HexFormat.of().formatHex(sha256.digest()))
                    .setKind(EntryKind.FILE)
                    .build();
        }

        void fileDone() {
            filesDone++;
            report();
        }

        private void report() {
            listener.progress(new Progress(filesDone, filesTotal, bytesHashed, bytesTotal));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String reason(IOException e) {
        String kind = e.getClass().getSimpleName();
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "removed during the scan";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() == null ? kind : e.getMessage();
    }

    private static String hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            if (name != null && !name.isBlank() && !name.contains("/")) {
                return name;
            }
        } catch (IOException e) {
            // Fall through: a machine without a resolvable name is still a machine.
        }
        String env = System.getenv("HOSTNAME");
        return env != null && !env.isBlank() && !env.contains("/") ? env : "local";
    }
}
