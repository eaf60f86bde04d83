package org.revenant.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void readsTheShortForms() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofMinutes(10), Durations.parse("10m"));
        assertEquals(Duration.ofHours(6), Durations.parse(" 6H "));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
    }

    @Test
    void readsIso() {
        assertEquals(Duration.ofMinutes(90), Durations.parse("PT1H30M"));
    }

    @Test
    void rejectsNonsenseWithAHint() {
        var e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("soon"));
        assertTrue(e.getMessage().contains("30s"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("99999999999999999999s"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(""));
    }
}
