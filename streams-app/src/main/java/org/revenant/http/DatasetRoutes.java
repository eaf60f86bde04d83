package org.revenant.http;

import static org.revenant.http.HttpReplies.error;
import static org.revenant.http.HttpReplies.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Comparator;
import org.revenant.avro.RetractedDataset;
import org.revenant.detect.registry.RegistryView;

/** The registry as the streams app holds it: {@code /api/datasets} and one dataset. */
final class DatasetRoutes {

    private final RegistryView registry;

    DatasetRoutes(RegistryView registry) {
        this.registry = registry;
    }

    void register(Javalin app) {
        app.get("/api/datasets", this::datasets);
        app.get("/api/datasets/{id}", this::dataset);
    }

    private void datasets(Context ctx) {
        ArrayNode array = ApiJson.MAPPER.createArrayNode();
        registry.current().datasets().stream()
                .sorted(Comparator.comparing(RetractedDataset::getId))
                .forEach(d -> array.add(ApiJson.dataset(d)));
        ObjectNode body = ApiJson.MAPPER.createObjectNode();
        body.put("total", array.size());
        body.set("datasets", array);
        json(ctx, 200, body);
    }

    private void dataset(Context ctx) {
        RetractedDataset dataset = registry.current().dataset(ctx.pathParam("id"));
        if (dataset == null) {
            error(ctx, 404, "no dataset " + ctx.pathParam("id"));
            return;
        }
        json(ctx, 200, ApiJson.dataset(dataset));
    }
}
