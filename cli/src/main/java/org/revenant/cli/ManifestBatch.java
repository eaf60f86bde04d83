package org.revenant.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.revenant.source.manifest.Manifest;
import org.revenant.source.manifest.ManifestException;
import org.revenant.source.manifest.ManifestJson;

/**
 * The inputs of {@code snapshot manifest} with several of them (docs/decisions/017-integrations.md):
 * manifest files, directories of them, JSON Lines files ({@code .jsonl}, {@code .ndjson}) and
 * standard input ({@code -}, JSON Lines), read one manifest at a time so memory stays bounded by
 * one manifest. A manifest that cannot be read is handed on as a rejection with its reason; the
 * rest go on.
 */
final class ManifestBatch {

    /** The longest line of a JSON Lines stream; a longer one is rejected and skipped unread. */
    static final int MAX_LINE_BYTES = 64 << 20;

    static final String STDIN = "-";

    /** Where the manifests go. */
    interface Sink {
        void manifest(String where, Manifest manifest);

        void rejected(String where, String reason);
    }

    private final InputStream stdin;
    private final Clock clock;
    private final int maxLineBytes;

    ManifestBatch(InputStream stdin, Clock clock) {
        this(stdin, clock, MAX_LINE_BYTES);
    }

    ManifestBatch(InputStream stdin, Clock clock, int maxLineBytes) {
        this.stdin = stdin;
        this.clock = clock;
        this.maxLineBytes = maxLineBytes;
    }

    /** True when the inputs are exactly one manifest file: the single-manifest behaviour applies. */
    static boolean single(List<String> inputs) {
        return inputs.size() == 1
                && !inputs.get(0).equals(STDIN)
                && !Files.isDirectory(Path.of(inputs.get(0)))
                && !jsonLines(Path.of(inputs.get(0)));
    }

    void read(List<String> inputs, Sink sink) {
        boolean stdinRead = false;
        for (String input : inputs) {
            if (input.equals(STDIN)) {
                if (stdinRead) {
                    sink.rejected("<stdin>", "given twice; read once");
                    continue;
                }
                stdinRead = true;
                lines("<stdin>", stdin, sink);
                continue;
            }
            Path path = Path.of(input);
            if (Files.isDirectory(path)) {
                directory(path, sink);
            } else {
                file(path, sink);
            }
        }
    }

    private void directory(Path dir, Sink sink) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString().toLowerCase(Locale.ROOT);
                if ((name.endsWith(".json") || jsonLines(entry))
                        && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    files.add(entry);
                }
            }
        } catch (IOException e) {
            sink.rejected(dir.toString(), "cannot list the directory: " + e.getMessage());
            return;
        }
        files.sort(null);
        files.forEach(f -> file(f, sink));
    }

    private void file(Path file, Sink sink) {
        if (jsonLines(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                lines(file.toString(), in, sink);
            } catch (NoSuchFileException e) {
                sink.rejected(file.toString(), "no such file");
            } catch (IOException e) {
                sink.rejected(file.toString(), "cannot read: " + e.getMessage());
            }
            return;
        }
        try {
            sink.manifest(file.toString(), ManifestJson.read(file, clock));
        } catch (ManifestException e) {
            sink.rejected(file.toString(), Terminal.safe(e.getMessage()));
        } catch (NoSuchFileException e) {
            sink.rejected(file.toString(), file + ": no such file");
        } catch (IOException e) {
            sink.rejected(file.toString(), "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** One manifest per line; blank lines are skipped; a line longer than the limit is skipped unread. */
    private void lines(String name, InputStream raw, Sink sink) {
        InputStream in = raw instanceof BufferedInputStream ? raw : new BufferedInputStream(raw, 1 << 16);
        byte[] buffer = new byte[8192];
        long lineNumber = 0;
        try {
            while (true) {
                int length = 0;
                boolean tooLong = false;
                int b;
                while ((b = in.read()) != -1 && b != '\n') {
                    if (tooLong) {
                        continue;
                    }
                    if (length == maxLineBytes) {
                        tooLong = true;
                        continue;
                    }
                    if (length == buffer.length) {
                        buffer = Arrays.copyOf(buffer, (int) Math.min(maxLineBytes, 2L * buffer.length));
                    }
                    buffer[length++] = (byte) b;
                }
                if (b == -1 && length == 0 && !tooLong) {
                    return;
                }
                lineNumber++;
                String where = name + " line " + lineNumber;
                if (tooLong) {
                    sink.rejected(
                            where, name + ": line " + lineNumber + ": longer than " + maxLineBytes + " bytes; skipped");
                } else if (!blank(buffer, length)) {
                    try {
                        sink.manifest(where, ManifestJson.readLine(name, lineNumber, buffer, length, clock));
                    } catch (ManifestException e) {
                        sink.rejected(where, Terminal.safe(e.getMessage()));
                    }
                }
                if (buffer.length > 1 << 20) {
                    buffer = new byte[8192]; // a huge line does not keep its buffer for the rest of the stream
                }
                if (b == -1) {
                    return;
                }
            }
        } catch (IOException e) {
            sink.rejected(name + " line " + (lineNumber + 1), "cannot read " + name + ": " + e.getMessage());
        }
    }

    private static boolean blank(byte[] buffer, int length) {
        for (int i = 0; i < length; i++) {
            byte c = buffer[i];
            if (c != ' ' && c != '\t' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    static boolean jsonLines(Path file) {
        String name =
                file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jsonl") || name.endsWith(".ndjson");
    }
}
