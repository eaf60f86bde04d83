package org.revenant.http.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.revenant.avro.AlertEventType;
import org.revenant.avro.SourceHealthEventType;

/**
 * Reads webhook subscriptions from the {@code webhooks:} list of a YAML file (in any document of
 * it, so it can share a file with other sections). Every error names the file, the subscription
 * and what is wrong. Secrets come from the environment ({@code secretEnv}) or, for local tries,
 * inline ({@code secret}).
 */
public final class WebhookConfig {

    /** A configuration that cannot be used; the message is one line for the user. */
    public static final class InvalidConfig extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public InvalidConfig(String message) {
            super(message);
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final int MAX_ATTEMPTS = 20;
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(2);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    private static final Set<String> FIELDS = Set.of(
            "name",
            "url",
            "format",
            "secret",
            "secretEnv",
            "filters",
            "allowPrivate",
            "attempts",
            "backoff",
            "timeout");
    private static final Set<String> FILTERS = Set.of("datasets", "severities", "platforms", "events");
    /** Alert events, then the sources' health events, which go only where they are listed (decision 026). */
    static final List<String> KNOWN_EVENTS = Stream.concat(
                    Arrays.stream(AlertEventType.values()).map(Enum::name),
                    Arrays.stream(SourceHealthEventType.values()).map(Enum::name))
            .filter(name -> !name.equals("UNKNOWN"))
            .toList();

    private WebhookConfig() {}

    public static List<WebhookSubscription> load(Path file) {
        return load(file, System::getenv);
    }

    static List<WebhookSubscription> load(Path file, Function<String, String> env) {
        JsonNode webhooks = section(file, "webhooks");
        if (webhooks == null || webhooks.isNull()) {
            return List.of();
        }
        if (!webhooks.isArray()) {
            throw new InvalidConfig(file + ": webhooks: must be a list of subscriptions");
        }
        List<WebhookSubscription> subscriptions = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int index = 0;
        for (JsonNode node : webhooks) {
            String where = file + ": webhooks[" + index++ + "]";
            WebhookSubscription subscription = subscription(node, where, env);
            if (!names.add(subscription.name())) {
                throw new InvalidConfig(where + ": duplicate name '" + subscription.name() + "'");
            }
            subscriptions.add(subscription);
        }
        return subscriptions;
    }

    /**
     * The last {@code name:} section in any YAML document of {@code file}, or null; the e-mail
     * subscriptions ({@code email:}) share the file with the webhooks.
     */
    public static JsonNode section(Path file, String name) {
        JsonNode found = null;
        try (MappingIterator<JsonNode> documents =
                new YAMLMapper().readerFor(JsonNode.class).readValues(file.toFile())) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && document.has(name)) {
                    found = document.get(name);
                }
            }
        } catch (IOException e) {
            throw new InvalidConfig("cannot read " + file + ": " + firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            // MappingIterator.next() wraps a YAML syntax error in a RuntimeException
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new InvalidConfig("cannot read " + file + ": " + firstLine(cause.getMessage()));
        }
        return found;
    }

    /** The {@code filters:} mapping of a subscription (the same for webhooks and e-mail). */
    public static AlertFilter filters(JsonNode node, String where) {
        JsonNode filters = node.path("filters");
        if (!filters.isMissingNode() && !filters.isObject()) {
            throw new InvalidConfig(where + ": filters: must be a mapping of datasets, severities, platforms, events");
        }
        for (Map.Entry<String, JsonNode> field : iterable(filters)) {
            if (!FILTERS.contains(field.getKey())) {
                throw new InvalidConfig(where + ": filters: unknown filter '" + field.getKey()
                        + "' (known: datasets, severities, platforms, events)");
            }
        }
        Set<String> events = list(filters, "events", where);
        for (String event : events) {
            if (!KNOWN_EVENTS.contains(event.toUpperCase(Locale.ROOT))) {
                throw new InvalidConfig(where + ": filters: events: '" + event + "' is not an event (known: "
                        + String.join(", ", KNOWN_EVENTS) + ")");
            }
        }
        return new AlertFilter(
                list(filters, "datasets", where),
                list(filters, "severities", where),
                list(filters, "platforms", where),
                events);
    }

    private static WebhookSubscription subscription(JsonNode node, String where, Function<String, String> env) {
        if (!node.isObject()) {
            throw new InvalidConfig(where + ": must be a mapping with at least url and secretEnv");
        }
        for (Map.Entry<String, JsonNode> field : iterable(node)) {
            if (!FIELDS.contains(field.getKey())) {
                throw new InvalidConfig(where + ": unknown field '" + field.getKey() + "' (known: "
                        + String.join(", ", new TreeSet<>(FIELDS)) + ")");
            }
        }
        URI url = url(text(node, "url", where, true), where);
        String name = node.hasNonNull("name") ? node.get("name").asText() : url.getHost();
        if (!NAME.matcher(name).matches()) {
            throw new InvalidConfig(
                    where
                            + ": name: must be 1 to 64 letters, digits, '.', '_' or '-' (it is used in metrics and DLQ headers; set name: when the host is not such a name)");
        }
        where = where + " (" + name + ")";
        WebhookSubscription.Format format;
        String formatText = node.path("format").asText("json");
        try {
            format = WebhookSubscription.Format.valueOf(formatText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig(where + ": format: '" + formatText + "' is not slack or json or cloudevents");
        }
        String secret = secret(node, where, env);
        AlertFilter filters = filters(node, where);
        JsonNode attemptsNode = node.path("attempts");
        if (!attemptsNode.isMissingNode() && !attemptsNode.isNull() && !attemptsNode.canConvertToInt()) {
            throw new InvalidConfig(where + ": attempts: '" + attemptsNode.asText()
                    + "' is not a whole number from 1 to " + MAX_ATTEMPTS);
        }
        int attempts = attemptsNode.asInt(5);
        if (attempts < 1 || attempts > MAX_ATTEMPTS) {
            throw new InvalidConfig(where + ": attempts: must be from 1 to " + MAX_ATTEMPTS);
        }
        JsonNode allowPrivate = node.path("allowPrivate");
        if (!allowPrivate.isMissingNode() && !allowPrivate.isNull() && !allowPrivate.isBoolean()) {
            throw new InvalidConfig(where + ": allowPrivate: must be true or false");
        }
        Duration backoff = duration(node, "backoff", Duration.ofSeconds(1), where);
        if (backoff.compareTo(MAX_BACKOFF) > 0) {
            throw new InvalidConfig(where + ": backoff: must be at most " + MAX_BACKOFF.toSeconds() + "s");
        }
        Duration timeout = duration(node, "timeout", Duration.ofSeconds(10), where);
        if (timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new InvalidConfig(
                    where + ": timeout: must be more than 0 and at most " + MAX_TIMEOUT.toSeconds() + "s");
        }
        return new WebhookSubscription(
                name,
                url,
                format,
                secret.getBytes(StandardCharsets.UTF_8),
                filters.datasets(),
                filters.severities(),
                filters.platforms(),
                filters.events(),
                allowPrivate.asBoolean(false),
                attempts,
                backoff,
                timeout);
    }

    private static String secret(JsonNode node, String where, Function<String, String> env) {
        if (node.hasNonNull("secretEnv")) {
            String variable = node.get("secretEnv").asText();
            String value = env.apply(variable);
            if (value == null || value.isBlank()) {
                throw new InvalidConfig(where + ": secretEnv: the environment variable " + variable + " is not set");
            }
            return value;
        }
        if (node.hasNonNull("secret") && !node.get("secret").asText().isBlank()) {
            return node.get("secret").asText();
        }
        throw new InvalidConfig(
                where + ": needs secretEnv (the environment variable holding the HMAC secret) or secret");
    }

    private static URI url(String text, String where) {
        try {
            URI url = new URI(text);
            if (!"https".equalsIgnoreCase(url.getScheme()) && !"http".equalsIgnoreCase(url.getScheme())
                    || url.getHost() == null) {
                throw new InvalidConfig(where + ": url: must be an http(s) URL with a host");
            }
            if (url.getRawUserInfo() != null) {
                throw new InvalidConfig(
                        where + ": url: must not hold a user or password (use the secret for authentication)");
            }
            if (url.getPort() == 0 || url.getPort() > 65535) {
                throw new InvalidConfig(where + ": url: port must be from 1 to 65535");
            }
            if (!url.toASCIIString().equals(url.toString()) || url.getRawFragment() != null) {
                throw new InvalidConfig(
                        where + ": url: must be plain ASCII without a #fragment (percent-encode other characters)");
            }
            return url;
        } catch (URISyntaxException e) {
            throw new InvalidConfig(where + ": url: not a URL: " + e.getMessage());
        }
    }

    private static Set<String> list(JsonNode filters, String field, String where) {
        JsonNode values = filters.path(field);
        Set<String> set = new LinkedHashSet<>();
        if (values.isMissingNode() || values.isNull()) {
            return set;
        }
        if (values.isTextual()) {
            set.add(values.asText());
            return set;
        }
        if (!values.isArray()) {
            throw new InvalidConfig(where + ": filters." + field + ": must be a list");
        }
        values.forEach(v -> set.add(v.asText()));
        return set;
    }

    /** A duration field like {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}, {@code 1d}, or {@code fallback} when absent. */
    public static Duration duration(JsonNode node, String field, Duration fallback, String where) {
        if (!node.hasNonNull(field)) {
            return fallback;
        }
        Matcher m = DURATION.matcher(node.get(field).asText().strip());
        if (!m.matches()) {
            throw new InvalidConfig(where + ": " + field + ": '"
                    + node.get(field).asText() + "' is not a duration like 500ms, 2s, 1m, 1h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static String text(JsonNode node, String field, String where, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.asText().isBlank()) {
            if (required) {
                throw new InvalidConfig(where + ": missing " + field);
            }
            return null;
        }
        return value.asText();
    }

    static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
