package org.revenant.crawl;

import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.revenant.config.ConfigException;
import org.revenant.config.Durations;
import org.revenant.registry.YamlTree;

/**
 * The crawler configuration (architecture section 8): a YAML file with {@code sources.<name>.enabled},
 * {@code .interval}, {@code .apiUrl}/{@code .url} and watch lists, then the environment on top
 * ({@code REVENANT_GITHUB_API_URL}, ..., tokens {@code GITHUB_TOKEN}, {@code HF_TOKEN}). Every
 * error names the file and line.
 */
public record CrawlConfig(
        Map<String, SourceConfig> sources,
        int workers,
        Duration timeout,
        Duration jobTimeout,
        List<SourceDescriptor> platforms) {

    private static final Set<String> TOP = Set.of("sources", "crawl");
    private static final Set<String> CRAWL_KEYS = Set.of("workers", "timeout", "jobTimeout");
    public static final Duration DEFAULT_JOB_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration MAX_JOB_TIMEOUT = Duration.ofDays(1);

    public CrawlConfig {
        sources = Map.copyOf(sources);
        platforms = List.copyOf(platforms);
    }

    /** The platform of a source, by name. */
    public SourceDescriptor platform(String name) {
        return platforms.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    /** Every source's name, in the platforms' order. */
    public List<String> names() {
        return platforms.stream().map(SourceDescriptor::name).toList();
    }

    public SourceConfig source(String name) {
        return sources.get(name);
    }

    /** The sources that are enabled, in a fixed order. */
    public List<SourceConfig> enabled() {
        return names().stream().map(sources::get).filter(SourceConfig::enabled).toList();
    }

    /** No file: every source on its public API, with the environment applied. */
    public static CrawlConfig defaults(Map<String, String> env, List<SourceDescriptor> platforms) {
        return parse(null, "(defaults)", env, platforms);
    }

    /** The file, then the environment on top, for these platforms (their one list is {@code Platforms.ALL}). */
    public static CrawlConfig load(Path file, Map<String, String> env, List<SourceDescriptor> platforms) {
        YamlTree.Node root;
        try {
            root = YamlTree.read(YamlTree.readFile(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException("cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        } catch (YamlTree.SyntaxError e) {
            throw new ConfigException(file + (e.line > 0 ? ": line " + e.line : "") + ": " + e.getMessage());
        }
        return parse(root, file.toString(), env, platforms);
    }

    private static CrawlConfig parse(
            YamlTree.Node root, String file, Map<String, String> env, List<SourceDescriptor> platforms) {
        Reader r = new Reader(file);
        Map<String, YamlTree.Field> top =
                root == null ? Map.of() : r.mapping(root, "the top level").fields();
        r.known(top, TOP, "");
        Map<String, YamlTree.Field> sourceFields = top.containsKey("sources")
                ? r.mapping(top.get("sources").value(), "sources").fields()
                : Map.of();
        r.known(sourceFields, platforms.stream().map(SourceDescriptor::name).collect(Collectors.toSet()), "sources.");
        int workers = 2;
        Duration timeout = Duration.ofSeconds(60);
        Duration jobTimeout = DEFAULT_JOB_TIMEOUT;
        if (top.containsKey("crawl")) {
            Map<String, YamlTree.Field> crawl =
                    r.mapping(top.get("crawl").value(), "crawl").fields();
            r.known(crawl, CRAWL_KEYS, "crawl.");
            if (crawl.containsKey("workers")) {
                workers = r.integer(crawl.get("workers").value(), "crawl.workers", 1, 64);
            }
            if (crawl.containsKey("timeout")) {
                timeout = r.duration(crawl.get("timeout").value(), "crawl.timeout");
            }
            if (crawl.containsKey("jobTimeout")) {
                YamlTree.Node node = crawl.get("jobTimeout").value();
                jobTimeout = r.duration(node, "crawl.jobTimeout");
                if (jobTimeout.compareTo(MAX_JOB_TIMEOUT) > 0) {
                    throw r.error(node.line(), "crawl.jobTimeout must be at most 1d");
                }
            }
        }
        Map<String, SourceConfig> sources = new LinkedHashMap<>();
        for (SourceDescriptor platform : platforms) {
            sources.put(platform.name(), source(r, platform, sourceFields.get(platform.name()), env));
        }
        return new CrawlConfig(sources, workers, timeout, jobTimeout, platforms);
    }

    /** Requests an hour a source's budget may allow at most (0 turns the budget off). */
    static final int MAX_BUDGET = 100_000;

    private static SourceConfig source(Reader r, SourceDescriptor spec, YamlTree.Field field, Map<String, String> env) {
        String name = spec.name();
        String at = "sources." + name;
        boolean enabled = true;
        boolean discover = spec.discovers();
        Duration interval = spec.interval();
        String url = spec.defaultUrl();
        List<String> watch = new ArrayList<>();
        Sweep sweep = spec.sweep();
        int budget = spec.budgetPerHour();
        if (field != null && field.value() instanceof YamlTree.Sequence seq && spec.urlKey() == null) {
            watch.addAll(r.strings(seq, at)); // a source without a URL may be its list alone: sources.torrents: [...]
        } else if (field != null && !(field.value() instanceof YamlTree.Scalar s && s.text() == null)) {
            Map<String, YamlTree.Field> f = r.mapping(field.value(), at).fields();
            List<String> keys = new ArrayList<>(List.of("enabled", "interval", "discover", spec.watchKey()));
            if (spec.urlKey() != null) {
                keys.add(spec.urlKey());
                keys.add("budget");
            }
            if (spec.sweep() != Sweep.NONE) {
                keys.addAll(List.of("sweep", "sweepRate", "sweepPerRun"));
            }
            r.known(f, Set.copyOf(keys), at + ".");
            sweep = sweep(r, f, sweep, at);
            if (f.containsKey("enabled")) {
                enabled = r.bool(f.get("enabled").value(), at + ".enabled");
            }
            if (f.containsKey("discover")) {
                discover = r.bool(f.get("discover").value(), at + ".discover");
            }
            if (f.containsKey("interval")) {
                interval = r.duration(f.get("interval").value(), at + ".interval");
            }
            if (f.containsKey("budget")) {
                budget = r.integer(f.get("budget").value(), at + ".budget", 0, MAX_BUDGET);
            }
            if (spec.urlKey() != null && f.containsKey(spec.urlKey())) {
                url = r.url(f.get(spec.urlKey()).value(), at + "." + spec.urlKey());
            }
            if (f.containsKey(spec.watchKey())) {
                YamlTree.Node list = f.get(spec.watchKey()).value();
                List<String> items = r.strings(list, at + "." + spec.watchKey());
                for (int i = 0; i < items.size(); i++) {
                    if (spec.watchShape() != null
                            && !spec.watchShape().matcher(items.get(i)).matches()) {
                        int line = ((YamlTree.Sequence) list).items().get(i).line();
                        throw r.error(
                                line,
                                at + "." + spec.watchKey() + ": " + YamlTree.quote(items.get(i)) + " is not "
                                        + spec.watchHint());
                    }
                }
                watch.addAll(items);
            }
        }
        if (spec.urlEnv() != null) {
            String fromEnv = env.get(spec.urlEnv());
            if (fromEnv != null && !fromEnv.isBlank()) {
                url = checkUrl(
                        fromEnv.strip(),
                        () -> new ConfigException("environment variable " + spec.urlEnv() + ": "
                                + YamlTree.quote(fromEnv) + " is not an http(s) URL"));
            }
        }
        Secret token = spec.tokenEnv() == null ? null : Secret.ofNullable(env.get(spec.tokenEnv()));
        return new SourceConfig(
                name,
                enabled,
                interval,
                url == null ? null : URI.create(stripSlash(url)),
                discover,
                watch,
                token,
                sweep,
                budget);
    }

    /** {@code sweep}, {@code sweepRate} (fetches per second) and {@code sweepPerRun} over the platform's defaults. */
    private static Sweep sweep(Reader r, Map<String, YamlTree.Field> f, Sweep defaults, String at) {
        if (defaults == Sweep.NONE) {
            return defaults;
        }
        boolean on = f.containsKey("sweep") ? r.bool(f.get("sweep").value(), at + ".sweep") : defaults.enabled();
        double rate = defaults.perSecond();
        int perRun = defaults.perRun();
        if (f.containsKey("sweepRate")) {
            YamlTree.Field field = f.get("sweepRate");
            String text = field.value() instanceof YamlTree.Scalar sc ? sc.text() : null;
            try {
                rate = Double.parseDouble(text);
            } catch (NumberFormatException | NullPointerException e) {
                throw r.error(field.keyLine(), at + ".sweepRate: expected fetches per second, e.g. 1 or 0.5");
            }
        }
        if (f.containsKey("sweepPerRun")) {
            YamlTree.Field field = f.get("sweepPerRun");
            String text = field.value() instanceof YamlTree.Scalar sc ? sc.text() : null;
            try {
                perRun = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw r.error(field.keyLine(), at + ".sweepPerRun: expected a whole number");
            }
        }
        try {
            return new Sweep(on, rate, perRun);
        } catch (IllegalArgumentException e) {
            throw r.error(
                    f.containsKey("sweepRate")
                            ? f.get("sweepRate").keyLine()
                            : f.get("sweepPerRun").keyLine(),
                    at + "." + e.getMessage());
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String checkUrl(String url, Supplier<ConfigException> error) {
        try {
            URI u = URI.create(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
                return url;
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error
        }
        throw error.get();
    }

    /** Typed reads of tree nodes, each error with file and line. */
    private static final class Reader {
        private final String file;

        Reader(String file) {
            this.file = file;
        }

        ConfigException error(int line, String message) {
            return new ConfigException(file + ": line " + line + ": " + message);
        }

        YamlTree.Mapping mapping(YamlTree.Node node, String what) {
            if (node instanceof YamlTree.Mapping m) {
                return m;
            }
            throw error(node.line(), what + " must be a mapping of keys to values");
        }

        void known(Map<String, YamlTree.Field> fields, Set<String> known, String prefix) {
            for (YamlTree.Field f : fields.values()) {
                if (!known.contains(f.key())) {
                    throw error(
                            f.keyLine(),
                            "unknown key " + YamlTree.quote(prefix + f.key()) + " (known: "
                                    + String.join(", ", known.stream().sorted().toList()) + ")");
                }
            }
        }

        String scalar(YamlTree.Node node, String what) {
            if (node instanceof YamlTree.Scalar s && s.text() != null) {
                return s.text().strip();
            }
            throw error(node.line(), what + " must be a single value");
        }

        boolean bool(YamlTree.Node node, String what) {
            if (node instanceof YamlTree.Scalar s
                    && (s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE)) {
                return s.token() == JsonToken.VALUE_TRUE;
            }
            throw error(node.line(), what + " must be true or false");
        }

        int integer(YamlTree.Node node, String what, int min, int max) {
            String text = scalar(node, what);
            try {
                int n = Integer.parseInt(text);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // falls through
            }
            throw error(
                    node.line(),
                    what + " must be a whole number from " + min + " to " + max + ", not " + YamlTree.quote(text));
        }

        Duration duration(YamlTree.Node node, String what) {
            String text = scalar(node, what);
            try {
                Duration d = Durations.parse(text);
                if (d.isZero() || d.isNegative()) {
                    throw error(node.line(), what + " must be longer than zero");
                }
                return d;
            } catch (IllegalArgumentException e) {
                throw error(node.line(), what + ": " + e.getMessage());
            }
        }

        String url(YamlTree.Node node, String what) {
            String text = scalar(node, what);
            return checkUrl(
                    text, () -> error(node.line(), what + ": " + YamlTree.quote(text) + " is not an http(s) URL"));
        }

        List<String> strings(YamlTree.Node node, String what) {
            if (!(node instanceof YamlTree.Sequence seq)) {
                throw error(node.line(), what + " must be a list");
            }
            List<String> out = new ArrayList<>();
            for (YamlTree.Node item : seq.items()) {
                out.add(scalar(item, what + " entries"));
            }
            return out;
        }
    }
}
