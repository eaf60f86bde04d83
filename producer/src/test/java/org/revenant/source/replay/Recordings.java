package org.revenant.source.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.revenant.crawl.FixtureServer;
import org.revenant.fuzz.SharedCorpus;

/**
 * The responses other projects recorded from the real platforms, in {@code shared/corpus/recorded-api}
 * (its README gives their provenance; decision 016 says what they showed). Read where they are, found
 * by {@link SharedCorpus}; when the corpus is absent the tests using them are skipped with a line
 * saying so.
 */
final class Recordings {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The response headers a replay passes on; the rest (lengths, encodings, hop-by-hop) belong to the original exchange. */
    private static final Set<String> KEPT = Set.of(
            "content-type",
            "etag",
            "link",
            "location",
            "retry-after",
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
            "x-error-code",
            "x-error-message",
            "ratelimit");

    private static final Pattern PAIR = Pattern.compile("\\(\\s*(['\"])(.*?)\\1\\s*,\\s*(['\"])(.*?)\\3\\s*\\)");

    private Recordings() {}

    /** The folder of recordings, or the test is skipped loudly. */
    static Path dir() {
        Path dir = SharedCorpus.require().resolve("recorded-api");
        if (!Files.isDirectory(dir)) {
            String message = "NO RECORDED PLATFORM RESPONSES at " + dir + "; replay tests skipped";
            System.err.println(message);
            Assumptions.assumeTrue(false, message);
        }
        return dir;
    }

    static JsonNode json(String relative) throws IOException {
        return JSON.readTree(dir().resolve(relative).toFile());
    }

    /** One request and its recorded response. */
    record Exchange(
            String method,
            String host,
            String path,
            Map<String, String> requestHeaders,
            int status,
            Map<String, String> headers,
            String body) {

        /** The response as a local server gives it, with the platform's origin in headers replaced by {@code base}. */
        FixtureServer.Response response(String origin, String base) {
            Map<String, String> out = new LinkedHashMap<>();
            headers.forEach((k, v) -> {
                if (KEPT.contains(k.toLowerCase(Locale.ROOT))) {
                    out.put(k, v.replace(origin, base));
                }
            });
            return new FixtureServer.Response(status, out, body.getBytes(StandardCharsets.UTF_8), 0);
        }
    }

    /**
     * A PyGithub transcript: per exchange, the lines scheme, method, host, port, path, request headers
     * and request body (Python literals), status, response headers (a Python list of pairs) and the
     * response body, then a blank line.
     */
    static List<Exchange> pyGithub(String name) throws IOException {
        List<String> lines =
                Files.readAllLines(dir().resolve("pygithub/ReplayData").resolve(name), StandardCharsets.UTF_8);
        List<Exchange> out = new ArrayList<>();
        int i = 0;
        while (i + 9 <= lines.size()) { // a last empty body may have no line of its own
            if (lines.get(i).isBlank()) {
                i++;
                continue;
            }
            out.add(new Exchange(
                    lines.get(i + 1),
                    lines.get(i + 2),
                    lines.get(i + 4),
                    pairs(lines.get(i + 5)),
                    Integer.parseInt(lines.get(i + 7).strip()),
                    pairs(lines.get(i + 8)),
                    i + 9 < lines.size() ? lines.get(i + 9) : ""));
            i += 10;
        }
        if (out.isEmpty()) {
            throw new IllegalStateException(name + " holds no exchange");
        }
        return out;
    }

    /** Python literal pairs, from a dict ({@code 'k': 'v'}) or a list of tuples ({@code ('k', 'v')}). */
    private static Map<String, String> pairs(String literal) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher tuples = PAIR.matcher(literal);
        while (tuples.find()) {
            out.put(tuples.group(2).toLowerCase(Locale.ROOT), tuples.group(4));
        }
        if (out.isEmpty()) {
            Matcher entries =
                    Pattern.compile("(['\"])(.*?)\\1\\s*:\\s*(['\"])(.*?)\\3").matcher(literal);
            while (entries.find()) {
                out.put(entries.group(2).toLowerCase(Locale.ROOT), entries.group(4));
            }
        }
        return out;
    }

    /** octokit/fixtures' nock-style recording: each exchange with its method, path, status, raw header list and JSON body. */
    static List<Exchange> octokit(String name) throws IOException {
        List<Exchange> out = new ArrayList<>();
        for (JsonNode e : json("octokit/" + name)) {
            Map<String, String> headers = new LinkedHashMap<>();
            JsonNode raw = e.path("rawHeaders");
            for (int i = 0; i + 1 < raw.size(); i += 2) {
                headers.put(
                        raw.get(i).asText().toLowerCase(Locale.ROOT),
                        raw.get(i + 1).asText());
            }
            JsonNode body = e.path("response");
            out.add(new Exchange(
                    e.path("method").asText().toUpperCase(Locale.ROOT),
                    "api.github.com",
                    e.path("path").asText(),
                    Map.of(),
                    e.path("status").asInt(),
                    headers,
                    body.isTextual() ? body.asText() : body.toString()));
        }
        return out;
    }

    /** A huggingface_hub cassette entry, by its key ({@code <url>|<status>}) in {@code hfhub/model_recordings.json}. */
    static Exchange hub(String key) throws IOException {
        JsonNode entry = json("hfhub/model_recordings.json").path(key);
        if (entry.isMissingNode()) {
            throw new IllegalStateException("no recording " + key);
        }
        JsonNode response = entry.path("response");
        Map<String, String> headers = new LinkedHashMap<>();
        response.path("headers")
                .fields()
                .forEachRemaining(h -> headers.put(
                        h.getKey().toLowerCase(Locale.ROOT),
                        h.getValue().isArray()
                                ? h.getValue().path(0).asText()
                                : h.getValue().asText()));
        String url = key.substring(0, key.lastIndexOf('|'));
        return new Exchange(
                "GET",
                "huggingface.co",
                url.substring("https://huggingface.co".length()),
                Map.of(),
                response.path("status").path("code").asInt(),
                headers,
                response.path("body").path("string").asText());
    }
}
