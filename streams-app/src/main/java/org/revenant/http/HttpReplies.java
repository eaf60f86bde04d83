package org.revenant.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/** How every route answers: JSON bodies, JSON errors, keys as path segments. */
final class HttpReplies {

    private HttpReplies() {}

    static void json(Context ctx, int status, JsonNode node) {
        try {
            ctx.status(status).contentType("application/json").result(ApiJson.MAPPER.writeValueAsString(node));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void error(Context ctx, int status, String message) {
        json(
                ctx,
                status,
                ApiJson.MAPPER.createObjectNode().put("error", message).put("status", status));
    }

    /** A key as a path segment for forwarding: slashes stay, everything else reserved is encoded. */
    /**
     * The {@code limit} query parameter: {@code dflt} when absent, else a number from 1 to {@code max};
     * anything else is the caller's 400.
     */
    static int limit(Context ctx, int dflt, int max) {
        String text = ctx.queryParam("limit");
        if (text == null) {
            return dflt;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit < 1 || limit > max) {
                throw new NumberFormatException();
            }
            return limit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a number from 1 to " + max);
        }
    }

    static String pathSegment(String key) {
        return Arrays.stream(key.split("/", -1))
                .map(part -> URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }
}
