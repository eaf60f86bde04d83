package org.revenant.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.AlertState;
import org.revenant.avro.AlertStatus;
import org.revenant.avro.Severity;

class ApiJsonPartialListingTest {

    static AlertState state(String partial) {
        return AlertState.newBuilder()
                .setAlertKey("ms-celeb-1m|github:a/b")
                .setStatus(AlertStatus.OPEN)
                .setDatasetId("ms-celeb-1m")
                .setDatasetName("MS-Celeb-1M")
                .setMirrorKey("github:a/b")
                .setPlatform("github")
                .setSeverity(Severity.CONFIRMED)
                .setConfidence(0.99)
                .setPostRetraction(true)
                .setFirstSeen(Instant.EPOCH)
                .setLastSeen(Instant.EPOCH)
                .setLastEvent(AlertEventType.OPENED)
                .setLastSnapshotId("s")
                .setEvidence(List.of())
                .setPartialListing(partial)
                .build();
    }

    @Test
    void theAlertSaysWhenItsListingWasPartialAsPlainText() {
        String reason = "tree has more than 5000 directories: <b>41</b> files listed";
        assertEquals(
                reason, ApiJson.alert(state(reason)).get("partialListing").asText(), "JSON carries the text as given");
        assertTrue(ApiJson.alert(state(null)).get("partialListing").isNull());
    }
}
