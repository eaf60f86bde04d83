package org.revenant.http.webhook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.AlertEventType;

class WebhookConfigTest {

    @TempDir
    Path dir;

    @Test
    void readsTheWebhooksSectionOfAMultiDocumentFile() throws Exception {
        Path file = Path.of(getClass().getResource("webhooks.yaml").toURI());
        List<WebhookSubscription> subscriptions = WebhookConfig.load(file, Map.of("WATCHDOG_SECRET", "from-env")::get);
        assertEquals(2, subscriptions.size());
        WebhookSubscription slack = subscriptions.get(0);
        assertEquals("watchdog-slack", slack.name());
        assertEquals(WebhookSubscription.Format.SLACK, slack.format());
        assertArrayEquals("from-env".getBytes(StandardCharsets.UTF_8), slack.secret());
        assertEquals(Set.of("ms-celeb-1m", "dukemtmc"), slack.datasets());
        assertEquals(Set.of("opened", "reappeared"), slack.events());
        assertEquals(5, slack.maxAttempts());
        assertEquals("https://hooks.example.org", slack.safeTarget(), "the token in the path stays out of logs");
        WebhookSubscription json = subscriptions.get(1);
        assertTrue(json.allowPrivate());
        assertEquals(3, json.maxAttempts());
        assertEquals(Duration.ofMillis(250), json.backoff());
        assertEquals(Set.of("github"), json.platforms());
    }

    @Test
    void formatCloudeventsIsReadInAnyCase() throws Exception {
        Path file = Files.writeString(
                dir.resolve("ce.yaml"),
                "webhooks:\n  - url: https://events.example.org/in\n    secret: x\n    format: CloudEvents\n");
        assertEquals(
                WebhookSubscription.Format.CLOUDEVENTS,
                WebhookConfig.load(file, Map.<String, String>of()::get).get(0).format());
    }

    @Test
    void aFileWithoutWebhooksHasNoSubscriptions() throws Exception {
        assertEquals(List.of(), WebhookConfig.load(write("sources:\n  github: {}\n"), k -> null));
    }

    @Test
    void errorsNameTheFileTheSubscriptionAndTheProblem() throws Exception {
        assertError("webhooks:\n  - format: json\n    secret: x\n", "webhooks[0]: missing url");
        assertError("webhooks:\n  - url: ftp://example.org/x\n    secret: x\n", "must be an http(s) URL");
        assertError(
                "webhooks:\n  - url: https://example.org/x\n    secret: x\n    format: xml\n",
                "'xml' is not slack or json");
        assertError(
                "webhooks:\n  - url: https://example.org/x\n    secretEnv: NOT_SET_ANYWHERE\n",
                "NOT_SET_ANYWHERE is not set");
        assertError("webhooks:\n  - url: https://example.org/x\n", "needs secretEnv");
        assertError(
                "webhooks:\n  - url: https://example.org/x\n    secret: x\n    retry: 3\n", "unknown field 'retry'");
        assertError("webhooks:\n  - url: https://example.org/x\n    secret: x\n    backoff: soon\n", "not a duration");
        assertError(
                "webhooks:\n  - url: https://example.org/x\n    secret: x\n    filters: {dataset: [a]}\n",
                "unknown filter 'dataset'");
        assertError(
                "webhooks:\n  - url: https://example.org/x\n    secret: x\n    filters: {events: [OPENED, SOURCE_DOWN]}\n",
                "filters: events: 'SOURCE_DOWN' is not an event (known: OPENED, ESCALATED, UPDATED, RESOLVED, REAPPEARED,"
                        + " TAKEDOWN_OVERDUE, MOVED, SUPPRESSION_LAPSED, SOURCE_DEGRADED, SOURCE_RECOVERED)");
    }

    @Test
    void timeoutsAttemptsBackoffAndUrlsOutsideTheirBoundsAreRejectedAtLoad() throws Exception {
        String base = "webhooks:\n  - url: https://example.org/x\n    secret: x\n";
        assertError(base + "    timeout: 0s\n", "timeout: must be more than 0");
        assertError(base + "    timeout: 3h\n", "timeout: must be more than 0 and at most 120s");
        assertError(base + "    timeout: 99999999999999999999s\n", "not a duration");
        assertError(base + "    attempts: 0\n", "attempts: must be from 1 to 20");
        assertError(base + "    attempts: 21\n", "attempts: must be from 1 to 20");
        assertError(base + "    attempts: many\n", "attempts: 'many' is not a whole number");
        assertError(base + "    backoff: 2h\n", "backoff: must be at most 60s");
        assertError(base + "    allowPrivate: sometimes\n", "allowPrivate: must be true or false");
        assertError(base + "    name: \"team slack\\r\\nX-Injected: 1\"\n", "name: must be 1 to 64 letters");
        assertError(
                "webhooks:\n  - url: https://user:pw@example.org/x\n    secret: x\n",
                "must not hold a user or password");
        assertError("webhooks:\n  - url: javascript:alert(1)\n    secret: x\n", "must be an http(s) URL");
        assertError("webhooks:\n  - url: https://example.org/датасет\n    secret: x\n", "must be plain ASCII");
    }

    @Test
    void aLoadErrorIsOneLine() throws Exception {
        Path file = write("webhooks:\n  - url: https://example.org/x\n    secret: x\n    timeout: 0s\n");
        WebhookConfig.InvalidConfig e =
                assertThrows(WebhookConfig.InvalidConfig.class, () -> WebhookConfig.load(file, k -> null));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void anEventTypeFromANewerReleaseIsDeliveredToNoSubscription() {
        WebhookSubscription all = WebhookFixtures.subscription(
                "all",
                URI.create("https://example.org/hook"),
                WebhookSubscription.Format.JSON,
                false,
                1,
                Set.of(),
                Set.of());
        assertTrue(all.matches(WebhookFixtures.event("ms-celeb-1m", AlertEventType.OPENED, "github:a/b", "MS")));
        assertFalse(all.matches(WebhookFixtures.event("ms-celeb-1m", AlertEventType.UNKNOWN, "github:a/b", "MS")));
    }

    private void assertError(String yaml, String expected) throws Exception {
        Path file = write(yaml);
        WebhookConfig.InvalidConfig e =
                assertThrows(WebhookConfig.InvalidConfig.class, () -> WebhookConfig.load(file, k -> null));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(expected), e.getMessage());
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(Files.createTempFile(dir, "webhooks", ".yaml"), yaml);
    }
}
