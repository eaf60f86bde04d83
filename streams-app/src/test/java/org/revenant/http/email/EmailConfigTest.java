package org.revenant.http.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.http.webhook.WebhookConfig;

class EmailConfigTest {

    private static final String BASE =
            "email:\n  - host: smtp.example.org\n    from: r@example.org\n    to: a@example.org\n";

    @TempDir
    Path dir;

    @Test
    void readsTheEmailSectionBesideTheWebhooks() throws Exception {
        Path file = Path.of(getClass().getResource("subscriptions.yaml").toURI());
        List<EmailSubscription> subscriptions =
                EmailConfig.load(file, Map.of("SMTP_USER", "revenant", "SMTP_PASSWORD", "pa55")::get);
        assertEquals(2, subscriptions.size());
        EmailSubscription watchdog = subscriptions.get(0);
        assertEquals("watchdog-mail", watchdog.name());
        assertEquals(EmailSubscription.Security.STARTTLS, watchdog.security());
        assertEquals("revenant", watchdog.username());
        assertEquals("pa55", watchdog.password());
        assertEquals("revenant@example.org", watchdog.from().getAddress());
        assertEquals(2, watchdog.to().size());
        assertEquals(Set.of("ms-celeb-1m"), watchdog.filter().datasets());
        assertEquals(Set.of("confirmed", "likely"), watchdog.filter().severities());
        assertEquals(URI.create("https://revenant.example.org/"), watchdog.dashboard());
        assertNull(watchdog.digest());
        assertFalse(watchdog.toString().contains("pa55"), "the password is never shown");
        EmailSubscription daily = subscriptions.get(1);
        assertEquals(EmailSubscription.Security.NONE, daily.security());
        assertEquals(Duration.ofDays(1), daily.digest());
        assertTrue(daily.allowPrivate());
        assertEquals(5, daily.maxAttempts());
        assertEquals(Duration.ofSeconds(2), daily.backoff());
        assertEquals("127.0.0.1:1025", daily.target());
    }

    @Test
    void portDefaultsFollowTheSecurity() throws Exception {
        assertEquals(587, EmailConfig.load(write(BASE), k -> null).get(0).port());
        assertEquals(
                465,
                EmailConfig.load(write(BASE + "    security: TLS\n"), k -> null)
                        .get(0)
                        .port());
        assertEquals(
                25,
                EmailConfig.load(write(BASE + "    security: none\n"), k -> null)
                        .get(0)
                        .port());
    }

    @Test
    void aFileWithoutEmailHasNoSubscriptions() throws Exception {
        assertEquals(List.of(), EmailConfig.load(write("webhooks: []\n"), k -> null));
    }

    @Test
    void errorsNameTheFileTheSubscriptionAndTheField() throws Exception {
        assertError("email:\n  - from: r@example.org\n    to: a@example.org\n", "email[0]: missing host");
        assertError("email: {host: x}\n", "email: must be a list");
        assertError(BASE + "    security: ssl\n", "email[0] (smtp.example.org): security: 'ssl' is not starttls");
        assertError(BASE + "    port: 70000\n", "port: '70000' is not a whole number from 1 to 65535");
        assertError(BASE + "    usernameEnv: NOT_SET_ANYWHERE\n    passwordEnv: P\n", "NOT_SET_ANYWHERE is not set");
        assertError(BASE + "    password: hunter2\n", "unknown field 'password'");
        assertError(
                BASE.replace("from: r@example.org", "from: \"not an address\""),
                "from: 'not an address' is not an e-mail address");
        assertError(BASE.replace("    to: a@example.org\n", ""), "missing to");
        assertError(BASE.replace("to: a@example.org", "to: []"), "to: must list 1 to 50 addresses");
        assertError(BASE + "    digest: 30s\n", "digest: must be from 1m to 1d");
        assertError(BASE + "    digest: 2d\n", "digest: must be from 1m to 1d");
        assertError(BASE + "    digest: hourly\n", "digest: 'hourly' is not a duration");
        assertError(BASE + "    filters: {dataset: [a]}\n", "filters: unknown filter 'dataset'");
        assertError(BASE + "    attempts: 11\n", "attempts: '11' is not a whole number from 1 to 10");
        assertError(BASE + "    timeout: 3h\n", "timeout: must be more than 0 and at most 120s");
        assertError(
                BASE + "    dashboardUrl: javascript:alert(1)\n", "dashboardUrl: must be a plain ASCII http(s) URL");
        assertError(BASE + "    name: \"ops\\r\\nBcc: x@evil.example\"\n", "name: must be 1 to 64 letters");
        assertError(
                "email:\n  - host: \"smtp.example.org\\r\\nRCPT TO:<x@evil.example>\"\n    from: r@example.org\n"
                        + "    to: a@example.org\n",
                "host: must be a host name or an IP address");
        assertError(
                BASE.replace("to: a@example.org", "to: \"a@example.org\\r\\nBcc: x@evil.example\""),
                "to: must be plain ASCII without control characters");
        assertError(BASE + "  - host: smtp.example.org\n    from: r@example.org\n    to: b@example.org\n", "email[1]");
    }

    @Test
    void credentialsComeFromTheEnvironmentInPairsAndNeverInClear() throws Exception {
        Map<String, String> env = Map.of("U", "user", "P", "secret");
        assertError(BASE + "    usernameEnv: U\n", "usernameEnv and passwordEnv go together", env);
        assertError(
                BASE + "    security: none\n    usernameEnv: U\n    passwordEnv: P\n",
                "security: none would send the password in clear",
                env);
        EmailSubscription s = EmailConfig.load(write(BASE + "    usernameEnv: U\n    passwordEnv: P\n"), env::get)
                .get(0);
        assertEquals("user", s.username());
        assertEquals("secret", s.password());
    }

    @Test
    void aFileThatIsNotYamlIsOneLineToo() throws Exception {
        Path file = write("email:\n  - host: x\n      to: [\n");
        WebhookConfig.InvalidConfig e =
                assertThrows(WebhookConfig.InvalidConfig.class, () -> EmailConfig.load(file, k -> null));
        assertTrue(e.getMessage().startsWith("cannot read " + file + ": "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void aLoadErrorIsOneLine() throws Exception {
        Path file = write(BASE + "    digest: 30s\n");
        WebhookConfig.InvalidConfig e =
                assertThrows(WebhookConfig.InvalidConfig.class, () -> EmailConfig.load(file, k -> null));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    private void assertError(String yaml, String expected) throws Exception {
        assertError(yaml, expected, Map.of());
    }

    private void assertError(String yaml, String expected, Map<String, String> env) throws Exception {
        Path file = write(yaml);
        WebhookConfig.InvalidConfig e =
                assertThrows(WebhookConfig.InvalidConfig.class, () -> EmailConfig.load(file, env::get));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(expected), e.getMessage());
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(Files.createTempFile(dir, "email", ".yaml"), yaml);
    }
}
