package org.revenant.crawl;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Locale;

/** Reads platform JSON; anything that does not parse is a failed crawl with the reason, never a crash. */
public final class Json {

    /** Platform JSON is shallow; deeper nesting or longer numbers than these are a hostile body. */
    static final int MAX_NESTING = 200;

    static final int MAX_NUMBER_CHARS = 100;
    /** The longest string value: a base64 .torrent blob of 10 MiB is about 14 MiB of text. */
    static final int MAX_STRING_CHARS = 16 * 1024 * 1024;

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .maxStringLength(MAX_STRING_CHARS)
                    .build())
            .build());

    private Json() {}

    public static JsonNode parse(HttpResult result) throws CrawlException {
        try {
            JsonNode node = MAPPER.readTree(result.body());
            if (node == null || node.isMissingNode()) {
                throw new CrawlException("empty response from " + result.uri() + " (HTTP " + result.status() + ")");
            }
            return node;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation(); // null for some constraint violations
            throw new CrawlException("malformed JSON from " + result.uri() + ": " + firstLine(e.getOriginalMessage())
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
        } catch (IOException | RuntimeException e) {
            throw new CrawlException("cannot read response from " + result.uri() + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no detail)";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    /** The text of a field, or null when absent, null or not a scalar. */
    public static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    /** Requires an object or array of the expected kind. */
    public static JsonNode expect(JsonNode node, boolean array, HttpResult from) throws CrawlException {
        if (array ? !node.isArray() : !node.isObject()) {
            throw new CrawlException(
                    "unexpected JSON from " + from.uri() + ": expected " + (array ? "an array" : "an object")
                            + " but got " + node.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        return node;
    }

    /** The URL of the {@code rel="next"} page in a Link header, or null. */
    public static String nextLink(HttpResult result) {
        for (String header : result.headers().allValues("Link")) {
            for (String part : header.split(",(?=\\s*<)")) {
                String p = part.strip();
                int close = p.indexOf('>');
                if (p.startsWith("<") && close > 0 && p.substring(close).matches(">.*;\\s*rel=\"?next\"?.*")) {
                    return p.substring(1, close);
                }
            }
        }
        return null;
    }
}
