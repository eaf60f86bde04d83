package org.revenant.http.email;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.revenant.http.webhook.AlertFilter;
import org.revenant.http.webhook.WebhookConfig;
import org.revenant.http.webhook.WebhookConfig.InvalidConfig;

/**
 * Reads e-mail subscriptions from the {@code email:} list of the webhooks file (any YAML document
 * of it). Every error is one line naming the file, the subscription and the field. SMTP credentials
 * come only from the environment ({@code usernameEnv}, {@code passwordEnv}), never from the file,
 * and only over STARTTLS or TLS.
 */
public final class EmailConfig {

    static final int MAX_ATTEMPTS = 10;
    static final int MAX_RECIPIENTS = 50;
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(2);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    static final Duration MIN_DIGEST = Duration.ofMinutes(1);
    static final Duration MAX_DIGEST = Duration.ofDays(1);

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}|[0-9A-Fa-f:.]{2,45}");
    private static final Set<String> FIELDS = Set.of(
            "name",
            "host",
            "port",
            "security",
            "usernameEnv",
            "passwordEnv",
            "from",
            "to",
            "filters",
            "allowPrivate",
            "attempts",
            "backoff",
            "timeout",
            "digest",
            "dashboardUrl");

    private EmailConfig() {}

    public static List<EmailSubscription> load(Path file) {
        return load(file, System::getenv);
    }

    static List<EmailSubscription> load(Path file, Function<String, String> env) {
        JsonNode email = WebhookConfig.section(file, "email");
        if (email == null || email.isNull()) {
            return List.of();
        }
        if (!email.isArray()) {
            throw new InvalidConfig(file + ": email: must be a list of subscriptions");
        }
        List<EmailSubscription> subscriptions = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int index = 0;
        for (JsonNode node : email) {
            String where = file + ": email[" + index++ + "]";
            EmailSubscription subscription = subscription(node, where, env);
            if (!names.add(subscription.name())) {
                throw new InvalidConfig(where + ": duplicate name '" + subscription.name() + "'");
            }
            subscriptions.add(subscription);
        }
        return subscriptions;
    }

    private static EmailSubscription subscription(JsonNode node, String where, Function<String, String> env) {
        if (!node.isObject()) {
            throw new InvalidConfig(where + ": must be a mapping with at least host, from and to");
        }
        for (Iterator<String> fields = node.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!FIELDS.contains(field)) {
                throw new InvalidConfig(where + ": unknown field '" + field + "' (known: "
                        + String.join(", ", new TreeSet<>(FIELDS)) + ")");
            }
        }
        String host = text(node, "host", where);
        if (host == null) {
            throw new InvalidConfig(where + ": missing host");
        }
        if (!HOST.matcher(host).matches()) {
            throw new InvalidConfig(where + ": host: must be a host name or an IP address, nothing else");
        }
        String name = node.hasNonNull("name") ? node.get("name").asText() : host;
        if (!NAME.matcher(name).matches()) {
            throw new InvalidConfig(
                    where
                            + ": name: must be 1 to 64 letters, digits, '.', '_' or '-' (it is used in metrics and DLQ headers)");
        }
        where = where + " (" + name + ")";
        EmailSubscription.Security security;
        String securityText = node.path("security").asText("starttls");
        try {
            security = EmailSubscription.Security.valueOf(securityText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig(where + ": security: '" + securityText + "' is not starttls or tls or none");
        }
        int port = wholeNumber(node, "port", security.defaultPort, 1, 65535, where);
        String username = credential(node, "usernameEnv", where, env);
        String password = credential(node, "passwordEnv", where, env);
        if ((username == null) != (password == null)) {
            throw new InvalidConfig(where + ": usernameEnv and passwordEnv go together (set both or neither)");
        }
        if (username != null && security == EmailSubscription.Security.NONE) {
            throw new InvalidConfig(
                    where + ": security: none would send the password in clear; use starttls or tls with credentials");
        }
        InternetAddress from = address(text(node, "from", where), "from", where);
        List<InternetAddress> to = recipients(node, where);
        AlertFilter filter = WebhookConfig.filters(node, where);
        JsonNode allowPrivate = node.path("allowPrivate");
        if (!allowPrivate.isMissingNode() && !allowPrivate.isNull() && !allowPrivate.isBoolean()) {
            throw new InvalidConfig(where + ": allowPrivate: must be true or false");
        }
        int attempts = wholeNumber(node, "attempts", 3, 1, MAX_ATTEMPTS, where);
        Duration backoff = WebhookConfig.duration(node, "backoff", Duration.ofSeconds(1), where);
        if (backoff.compareTo(MAX_BACKOFF) > 0) {
            throw new InvalidConfig(where + ": backoff: must be at most " + MAX_BACKOFF.toSeconds() + "s");
        }
        Duration timeout = WebhookConfig.duration(node, "timeout", Duration.ofSeconds(30), where);
        if (timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new InvalidConfig(
                    where + ": timeout: must be more than 0 and at most " + MAX_TIMEOUT.toSeconds() + "s");
        }
        Duration digest = WebhookConfig.duration(node, "digest", null, where);
        if (digest != null && (digest.compareTo(MIN_DIGEST) < 0 || digest.compareTo(MAX_DIGEST) > 0)) {
            throw new InvalidConfig(where + ": digest: must be from 1m to 1d (24h)");
        }
        return new EmailSubscription(
                name,
                host,
                port,
                security,
                username,
                password,
                from,
                to,
                filter,
                allowPrivate.asBoolean(false),
                attempts,
                backoff,
                timeout,
                digest,
                dashboard(text(node, "dashboardUrl", where), where));
    }

    private static String credential(JsonNode node, String field, String where, Function<String, String> env) {
        String variable = text(node, field, where);
        if (variable == null) {
            return null;
        }
        String value = env.apply(variable);
        if (value == null || value.isEmpty()) {
            throw new InvalidConfig(where + ": " + field + ": the environment variable " + variable + " is not set");
        }
        return value;
    }

    private static List<InternetAddress> recipients(JsonNode node, String where) {
        JsonNode to = node.get("to");
        List<String> texts = new ArrayList<>();
        if (to == null || to.isNull()) {
            throw new InvalidConfig(where + ": missing to");
        } else if (to.isTextual()) {
            texts.add(to.asText());
        } else if (to.isArray()) {
            to.forEach(v -> texts.add(v.asText()));
        } else {
            throw new InvalidConfig(where + ": to: must be an address or a list of addresses");
        }
        if (texts.isEmpty() || texts.size() > MAX_RECIPIENTS) {
            throw new InvalidConfig(where + ": to: must list 1 to " + MAX_RECIPIENTS + " addresses");
        }
        List<InternetAddress> addresses = new ArrayList<>();
        for (String text : texts) {
            addresses.add(address(text, "to", where));
        }
        return addresses;
    }

    /** One plain ASCII address, strictly parsed (no CR/LF can reach a header from here). */
    private static InternetAddress address(String text, String field, String where) {
        if (text == null) {
            throw new InvalidConfig(where + ": missing " + field);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new InvalidConfig(where + ": " + field + ": must be plain ASCII without control characters");
            }
        }
        try {
            InternetAddress address = new InternetAddress(text, true);
            address.validate();
            return address;
        } catch (AddressException e) {
            throw new InvalidConfig(where + ": " + field + ": '" + text + "' is not an e-mail address ("
                    + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    private static URI dashboard(String text, String where) {
        if (text == null) {
            return null;
        }
        try {
            URI url = new URI(text.endsWith("/") ? text : text + "/");
            if (!"https".equalsIgnoreCase(url.getScheme()) && !"http".equalsIgnoreCase(url.getScheme())
                    || url.getHost() == null
                    || url.getRawQuery() != null
                    || url.getRawFragment() != null
                    || url.getRawUserInfo() != null
                    || !url.toASCIIString().equals(url.toString())) {
                throw new InvalidConfig(
                        where
                                + ": dashboardUrl: must be a plain ASCII http(s) URL with a host, without user, query or #fragment");
            }
            return url;
        } catch (URISyntaxException e) {
            throw new InvalidConfig(where + ": dashboardUrl: not a URL: " + e.getMessage());
        }
    }

    private static int wholeNumber(JsonNode node, String field, int fallback, int min, int max, String where) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (!value.canConvertToInt() || value.asInt() < min || value.asInt() > max) {
            throw new InvalidConfig(where + ": " + field + ": '" + value.asText() + "' is not a whole number from "
                    + min + " to " + max);
        }
        return value.asInt();
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.asText().isBlank()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new InvalidConfig(where + ": " + field + ": must be a single value");
        }
        return value.asText().strip();
    }
}
