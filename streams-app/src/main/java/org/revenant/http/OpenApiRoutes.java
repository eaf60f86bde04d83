package org.revenant.http;

import static org.revenant.http.HttpReplies.error;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/openapi.json}: the hand-written OpenAPI 3.1 document of this API
 * (docs/decisions/022), served from the jar as written. {@code OpenApiContractTest} in cli checks
 * it against every route and every real answer.
 */
final class OpenApiRoutes {

    static final String PATH = "/api/openapi.json";
    static final String RESOURCE = "/org/revenant/http/openapi.json";

    private OpenApiRoutes() {}

    /** The document as shipped in this release. */
    static byte[] document() {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    static void register(Javalin app) {
        byte[] document = document();
        app.get(PATH, ctx -> {
            if (document == null) {
                error(ctx, 404, "the OpenAPI document is missing from this build");
                return;
            }
            // application/json rather than application/vnd.oai.openapi+json: browsers, curl | jq
            // and every OpenAPI tool read it as JSON (docs/decisions/022).
            ctx.contentType("application/json").result(document);
        });
    }
}
