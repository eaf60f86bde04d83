package org.revenant.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ComponentsTest {

    @Test
    void aCriticalComponentDownMakesTheProcessDown() {
        Components all = new Components();
        all.register("crawler", false).up();
        all.register("streams", true).down("global thread died");
        assertEquals(ComponentState.DOWN, all.overall());
    }

    @Test
    void aNonCriticalComponentDownOnlyDegrades() {
        Components all = new Components();
        all.register("streams", true).up();
        all.register("webhooks", false).down("stopped");
        assertEquals(ComponentState.DEGRADED, all.overall());
    }

    @Test
    void repeatedFailuresDegradeUntilTheNextSuccess() {
        Components all = new Components();
        Component c = all.register("crawler", false);
        c.up();
        c.failed("timeout", 3);
        c.failed("timeout", 3);
        assertEquals(ComponentState.UP, all.overall());
        c.failed("timeout", 3);
        assertEquals(ComponentState.DEGRADED, all.overall());
        assertTrue(c.snapshot().reason().contains("3 consecutive"));
        c.up();
        assertEquals(ComponentState.UP, all.overall());
    }

    @Test
    void reasonsAreOneBoundedLine() {
        Component c = new Components().register("x", false);
        c.degraded("a\nb" + "z".repeat(10_000));
        String reason = c.snapshot().reason();
        assertTrue(reason.startsWith("a b"));
        assertTrue(reason.length() <= Component.MAX_REASON + 1);
    }
}
