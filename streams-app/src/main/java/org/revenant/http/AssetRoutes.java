package org.revenant.http;

import static org.revenant.http.HttpReplies.error;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The dashboard's files from the classpath, and Chart.js from its WebJar. */
final class AssetRoutes {

    private AssetRoutes() {}

    /** The dashboard at {@code /}, with the security headers on every file. */
    static void configure(JavalinConfig config) {
        config.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = "/org/revenant/http/dashboard";
            files.location = Location.CLASSPATH;
            files.headers = SecurityHeaders.ALL;
        });
    }

    static void register(Javalin app) {
        app.get("/vendor/chart.umd.js", AssetRoutes::chartJs);
    }

    private static void chartJs(Context ctx) throws IOException {
        Properties pom = new Properties();
        try (InputStream in =
                AssetRoutes.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
            if (in == null) {
                error(ctx, 404, "the Chart.js WebJar is not on the classpath");
                return;
            }
            pom.load(in);
        }
        InputStream script = AssetRoutes.class.getResourceAsStream(
                "/META-INF/resources/webjars/chart.js/" + pom.getProperty("version") + "/dist/chart.umd.js");
        if (script == null) {
            error(ctx, 404, "chart.umd.js is missing from the Chart.js WebJar");
            return;
        }
        ctx.contentType("text/javascript; charset=utf-8")
                .header("Cache-Control", "public, max-age=86400")
                .result(script);
    }
}
