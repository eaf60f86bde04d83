package org.revenant.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.revenant.avro.RetractedDataset;

/**
 * Loads a whole registry: a single file, a directory of {@code *.yaml}/{@code *.yml} files, or the
 * registry bundled on the classpath. Every problem in every file is collected before failing, and
 * the set is checked as a whole (unique ids, parents that exist, no parent cycles).
 */
public final class RegistryLoader {

    /** Classpath folder of the bundled registry; the cli jar carries the repo's registry/ there. */
    public static final String BUNDLED_DIR = "registry";
    /**
     * Lists the bundled file names, one a line. A jar cannot be listed like a directory, so the
     * index is what makes the bundled registry readable the same way from a folder or a jar.
     */
    public static final String INDEX = "INDEX";

    private RegistryLoader() {}

    /** Loads one registry file, or every registry file of a directory in name order. */
    public static List<RetractedDataset> load(Path fileOrDirectory) {
        Map<String, String> texts = new LinkedHashMap<>();
        List<RegistryProblem> problems = new ArrayList<>();
        if (Files.isDirectory(fileOrDirectory)) {
            String prefix = displayPrefix(fileOrDirectory);
            for (Path file : registryFiles(fileOrDirectory)) {
                read(file, prefix + file.getFileName(), texts, problems);
            }
            if (texts.isEmpty() && problems.isEmpty()) {
                problems.add(new RegistryProblem(prefix, 0, "no *.yaml registry files in this directory"));
            }
        } else {
            read(fileOrDirectory, fileOrDirectory.toString().replace('\\', '/'), texts, problems);
        }
        return loadTexts(texts, problems);
    }

    /** Loads the registry shipped on this class's class path. */
    public static List<RetractedDataset> loadBundled() {
        return loadBundled(RegistryLoader.class.getClassLoader());
    }

    /** Loads the registry under {@code registry/} on the given class loader's class path. */
    public static List<RetractedDataset> loadBundled(ClassLoader classLoader) {
        String indexName = BUNDLED_DIR + "/" + INDEX;
        String index = resource(classLoader, indexName);
        if (index == null) {
            throw new RegistryException(List.of(new RegistryProblem(
                    "classpath:" + indexName, 0, "not found; no registry is bundled on the class path")));
        }
        Map<String, String> texts = new LinkedHashMap<>();
        List<RegistryProblem> problems = new ArrayList<>();
        for (String name : indexEntries(index)) {
            String path = BUNDLED_DIR + "/" + name;
            String text = resource(classLoader, path);
            if (text == null) {
                problems.add(new RegistryProblem(path, 0, "listed in " + indexName + " but not on the class path"));
            } else {
                texts.put(path, text);
            }
        }
        return loadTexts(texts, problems);
    }

    /** The file names an INDEX lists: one a line; blank lines and {@code #} comments are skipped. */
    public static List<String> indexEntries(String indexText) {
        return indexText
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
    }

    /**
     * Problems with a registry directory's INDEX: files it misses, names it lists that do not
     * exist, names listed twice. Empty when the index and the directory agree.
     */
    public static List<RegistryProblem> checkIndex(Path directory) {
        String prefix = displayPrefix(directory);
        Path indexFile = directory.resolve(INDEX);
        List<RegistryProblem> problems = new ArrayList<>();
        if (!Files.isRegularFile(indexFile)) {
            problems.add(new RegistryProblem(prefix + INDEX, 0, "missing; it must list every registry file"));
            return problems;
        }
        List<String> listed;
        try {
            listed = indexEntries(Files.readString(indexFile, StandardCharsets.UTF_8));
        } catch (IOException e) {
            problems.add(new RegistryProblem(prefix + INDEX, 0, "cannot read: " + e));
            return problems;
        }
        Set<String> present = new TreeSet<>();
        registryFiles(directory).forEach(f -> present.add(f.getFileName().toString()));
        Set<String> seen = new HashSet<>();
        for (String name : listed) {
            if (!seen.add(name)) {
                problems.add(new RegistryProblem(prefix + INDEX, 0, "lists '" + name + "' twice"));
            } else if (!present.contains(name)) {
                problems.add(new RegistryProblem(prefix + INDEX, 0, "lists '" + name + "', which is not in " + prefix));
            }
        }
        for (String name : present) {
            if (!seen.contains(name)) {
                problems.add(new RegistryProblem(
                        prefix + INDEX, 0, "does not list '" + name + "'; add it so the bundled registry includes it"));
            }
        }
        return problems;
    }

    /** Parses named texts, then checks them as one registry; throws with every problem found. */
    static List<RetractedDataset> loadTexts(Map<String, String> texts, List<RegistryProblem> problems) {
        List<RegistryFile.Parsed> parsed = new ArrayList<>();
        for (Map.Entry<String, String> e : texts.entrySet()) {
            RegistryFile.Parsed p = RegistryFile.parseCollecting(e.getKey(), e.getValue(), problems);
            if (p != null) {
                parsed.add(p);
            }
        }
        checkAcrossFiles(parsed, problems);
        if (!problems.isEmpty()) {
            throw new RegistryException(problems);
        }
        return parsed.stream().map(RegistryFile.Parsed::dataset).toList();
    }

    private static void checkAcrossFiles(List<RegistryFile.Parsed> parsed, List<RegistryProblem> problems) {
        Map<String, RegistryFile.Parsed> byId = new HashMap<>();
        for (RegistryFile.Parsed p : parsed) {
            RegistryFile.Parsed earlier = byId.putIfAbsent(p.dataset().getId(), p);
            if (earlier != null) {
                problems.add(new RegistryProblem(
                        p.file(), p.idLine(), "id '" + p.dataset().getId() + "' is already used by " + earlier.file()));
            }
        }
        for (RegistryFile.Parsed p : parsed) {
            String parent = p.dataset().getParent();
            if (parent == null) {
                continue;
            }
            if (!byId.containsKey(parent)) {
                problems.add(new RegistryProblem(
                        p.file(), p.parentLine(), "parent '" + parent + "' is not in the registry"));
                continue;
            }
            // Walk up the chain; a cycle would make "alert names the parent" loop forever.
            Set<String> chain = new HashSet<>();
            chain.add(p.dataset().getId());
            String next = parent;
            while (next != null && byId.containsKey(next)) {
                if (!chain.add(next)) {
                    problems.add(
                            new RegistryProblem(p.file(), p.parentLine(), "parent chain loops back to '" + next + "'"));
                    break;
                }
                next = byId.get(next).dataset().getParent();
            }
        }
    }

    private static List<Path> registryFiles(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> {
                        String n = f.getFileName().toString();
                        return n.endsWith(".yaml") || n.endsWith(".yml");
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    private static void read(Path file, String display, Map<String, String> texts, List<RegistryProblem> problems) {
        try {
            texts.put(display, YamlTree.readFile(file));
        } catch (IOException e) {
            problems.add(new RegistryProblem(display, 0, "cannot read: " + e.getMessage()));
        } catch (YamlTree.SyntaxError e) {
            problems.add(new RegistryProblem(display, e.line, e.getMessage()));
        }
    }

    /** Names files as {@code <directory name>/<file>}, e.g. registry/ms-celeb-1m.yaml. */
    private static String displayPrefix(Path directory) {
        Path name = directory.toAbsolutePath().normalize().getFileName();
        return (name == null ? "" : name + "/");
    }

    private static String resource(ClassLoader classLoader, String path) {
        try (InputStream in = classLoader.getResourceAsStream(path)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classpath resource " + path, e);
        }
    }
}
