package org.revenant.http;

import static org.revenant.http.HttpReplies.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import java.util.LinkedHashSet;
import java.util.Set;
import org.revenant.platforms.Platforms;
import org.revenant.source.dir.DirectoryScanner;

/**
 * {@code /api/platforms}: the mirror-key platforms the crawlers publish (from the one platforms
 * list, docs/decisions/015) and {@code dir} (snapshot dir), for the dashboard's platform filter.
 * Platforms of manifests from other crawlers are filtered by typing them into the URL.
 */
final class PlatformRoutes {

    private PlatformRoutes() {}

    /** The platforms Revenant's own crawlers and {@code snapshot dir} publish. */
    static Set<String> platforms() {
        Set<String> platforms = new LinkedHashSet<>(Platforms.mirrorPlatforms());
        platforms.add(DirectoryScanner.PLATFORM);
        return platforms;
    }

    static void register(Javalin app) {
        Set<String> platforms = platforms();
        app.get("/api/platforms", ctx -> {
            ObjectNode body = ApiJson.MAPPER.createObjectNode();
            ArrayNode array = body.putArray("platforms");
            platforms.forEach(array::add);
            json(ctx, 200, body);
        });
    }
}
