package org.revenant.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.DecisionKind;

class AlertJsonTest {

    static final List<String> CORE_FIELDS = List.of(
            "alertKey",
            "event",
            "datasetId",
            "datasetName",
            "mirrorKey",
            "platform",
            "mirrorUrl",
            "severity",
            "confidence",
            "postRetraction",
            "reappearances",
            "observedAt",
            "snapshotId",
            "evidence");

    @Test
    void fieldsAreTheDesignFieldsInOrderThenTheEventId() throws Exception {
        JsonNode json = new ObjectMapper().readTree(AlertJson.toJson(AvroSerdesTest.sampleAlert()));
        List<String> expected = new ArrayList<>(CORE_FIELDS);
        expected.add("eventId");
        assertEquals(expected, names(json));
        assertEquals(
                List.of("kind", "signature", "path", "weight", "detail"),
                names(json.get("evidence").get(0)));
        assertEquals("2026-11-22T00:00:00Z", json.get("observedAt").asText());
        assertEquals(1.0, json.get("confidence").asDouble());
    }

    @Test
    void derivativeAndDecisionComeAfterTheDesignFields() throws Exception {
        AlertEvent alert = AlertEvent.newBuilder(AvroSerdesTest.sampleAlert())
                .setParentId("ms-celeb-1m")
                .setParentName("MS-Celeb-1M")
                .setDecision(DecisionKind.CONFIRMED)
                .build();
        JsonNode json = new ObjectMapper().readTree(AlertJson.toJson(alert));
        List<String> names = names(json);
        assertEquals(CORE_FIELDS, names.subList(0, CORE_FIELDS.size()));
        assertEquals(
                List.of("parentId", "parentName", "decision", "eventId"),
                names.subList(CORE_FIELDS.size(), names.size()));
    }

    @Test
    void aPartialListingIsNamedBeforeTheEventIdOnlyWhenThereIsOne() throws Exception {
        AlertEvent alert = AlertEvent.newBuilder(AvroSerdesTest.sampleAlert())
                .setPartialListing("tree has more than 5000 directories: listed 5000")
                .build();
        JsonNode json = new ObjectMapper().readTree(AlertJson.toJson(alert));
        assertEquals(
                List.of("partialListing", "eventId"),
                names(json).subList(CORE_FIELDS.size(), names(json).size()));
        assertEquals(
                "tree has more than 5000 directories: listed 5000",
                json.get("partialListing").asText());
    }

    @Test
    void crawledTextIsEscapedAsJson() throws Exception {
        AlertEvent alert = AlertEvent.newBuilder(AvroSerdesTest.sampleAlert())
                .setMirrorUrl("x\"\n\u001b[2J</script>")
                .build();
        String line = AlertJson.toJson(alert);
        assertEquals(-1, line.indexOf('\n'));
        assertEquals(-1, line.indexOf('\u001b'));
        assertEquals(
                "x\"\n\u001b[2J</script>",
                new ObjectMapper().readTree(line).get("mirrorUrl").asText());
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
