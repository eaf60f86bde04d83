package org.revenant.crawl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Reads platform JSON; anything that does not parse is a failed crawl with the reason, never a crash. */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static JsonNode parse(HttpResult result) throws CrawlException {
        try {
            JsonNode node = MAPPER.readTree(result.body());
            if (node == null || node.isMissingNode()) {
                throw new CrawlException("empty response from " + result.uri() + " (HTTP " + result.status() + ")");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new CrawlException("malformed JSON from " + result.uri() + ": " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new CrawlException("cannot read response from " + result.uri() + ": " + e.getMessage(), e);
        }
    }

    /** The text of a field, or null when absent, null or not a scalar. */
    public static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    /** Requires an object or array of the expected kind. */
    public static JsonNode expect(JsonNode node, boolean array, HttpResult from) throws CrawlException {
        if (array ? !node.isArray() : !node.isObject()) {
            throw new CrawlException("unexpected JSON from " + from.uri() + ": expected " + (array ? "an array" : "an object")
                    + " but got " + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
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
