package org.revenant.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.revenant.avro.DecisionKind;

class DecisionRoutesTest {

    @Test
    void everyDecisionAnAnalystMakesIsReadInAnyCaseWithDashesOrUnderscores() {
        assertEquals(DecisionKind.FALSE_POSITIVE, DecisionRoutes.decisionKind(" false-positive "));
        assertEquals(DecisionKind.TAKEDOWN_REQUESTED, DecisionRoutes.decisionKind("TAKEDOWN_REQUESTED"));
        assertEquals(DecisionKind.CONFIRMED, DecisionRoutes.decisionKind("confirmed"));
        assertEquals(DecisionKind.ALLOWLISTED, DecisionRoutes.decisionKind("Allowlisted"));
    }

    @Test
    void theReaderOnlyUnknownKindAndMadeUpKindsAreRefusedWithTheChoices() {
        for (String text : new String[] {"UNKNOWN", "unknown", "escalate", ""}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> DecisionRoutes.decisionKind(text));
            assertTrue(
                    e.getMessage().contains("FALSE_POSITIVE, CONFIRMED, TAKEDOWN_REQUESTED, ALLOWLISTED"),
                    e.getMessage());
            assertTrue(!e.getMessage().contains("UNKNOWN"), e.getMessage());
        }
    }
}
