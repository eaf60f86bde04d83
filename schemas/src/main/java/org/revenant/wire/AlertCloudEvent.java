package org.revenant.wire;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.types.Time;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.SourceHealthEvent;

/**
 * An alert event as a CloudEvent 1.0 (docs/decisions/017-integrations.md): {@code type}
 * {@code org.revenant.alert.<event>}, {@code source} the instance, {@code id} the event id,
 * {@code subject} the alert key, {@code time} when it was observed, {@code data} the public alert
 * JSON. Webhooks send it in structured mode; the {@code alerts.json} topic carries it in the Kafka
 * binding's binary mode (the {@code ce_*} headers beside the alert JSON value).
 */
public final class AlertCloudEvent {

    /** The media type of a structured-mode event. */
    public static final String STRUCTURED_CONTENT_TYPE = JsonFormat.CONTENT_TYPE;

    public static final String DATA_CONTENT_TYPE = "application/json";
    public static final String TYPE_PREFIX = "org.revenant.alert.";
    private static final JsonFormat FORMAT = new JsonFormat();

    private AlertCloudEvent() {}

    /** The {@code source} of every event of an instance: its topic prefix names it. */
    public static URI source(Topics topics) {
        String name = topics.prefix().endsWith(".")
                ? topics.prefix().substring(0, topics.prefix().length() - 1)
                : topics.prefix();
        return URI.create("urn:revenant:" + (name.isEmpty() ? "revenant" : name));
    }

    public static CloudEvent of(AlertEvent alert, URI source) {
        return CloudEventBuilder.v1()
                .withId(alert.getEventId())
                .withSource(source)
                .withType(TYPE_PREFIX + alert.getEvent().name().toLowerCase(Locale.ROOT))
                .withSubject(alert.getAlertKey())
                .withTime(alert.getObservedAt().atOffset(ZoneOffset.UTC))
                .withDataContentType(DATA_CONTENT_TYPE)
                .withData(AlertJson.toJson(alert).getBytes(StandardCharsets.UTF_8))
                .build();
    }

    /** The type prefix of a source's health events: {@code org.revenant.source.degraded} and {@code .recovered}. */
    public static final String SOURCE_TYPE_PREFIX = "org.revenant.source.";

    /**
     * A source's health event (docs/decisions/026): {@code subject} the source, {@code time} when it
     * was told, {@code data} its public JSON ({@link SourceHealthJson}).
     */
    public static CloudEvent of(SourceHealthEvent health, URI source) {
        String type = health.getEvent().name().toLowerCase(Locale.ROOT).replaceFirst("^source_", "");
        return CloudEventBuilder.v1()
                .withId(health.getEventId())
                .withSource(source)
                .withType(SOURCE_TYPE_PREFIX + type)
                .withSubject(health.getSource())
                .withTime(health.getAt().atOffset(ZoneOffset.UTC))
                .withDataContentType(DATA_CONTENT_TYPE)
                .withData(SourceHealthJson.toJson(health).getBytes(StandardCharsets.UTF_8))
                .build();
    }

    /** A source's health event in structured mode. */
    public static byte[] structured(SourceHealthEvent health, URI source) {
        return FORMAT.serialize(of(health, source));
    }

    /** Structured mode: the whole event as one JSON object, {@value #STRUCTURED_CONTENT_TYPE}. */
    public static byte[] structured(AlertEvent alert, URI source) {
        return FORMAT.serialize(of(alert, source));
    }

    /**
     * The Kafka binding's binary-mode headers: {@code ce_<attribute>} for each context attribute,
     * {@code content-type} for {@code datacontenttype}, in a stable order; values are UTF-8.
     */
    public static Map<String, String> kafkaHeaders(AlertEvent alert, URI source) {
        CloudEvent event = of(alert, source);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ce_specversion", event.getSpecVersion().toString());
        headers.put("ce_id", event.getId());
        headers.put("ce_source", event.getSource().toString());
        headers.put("ce_type", event.getType());
        headers.put("ce_subject", event.getSubject());
        headers.put("ce_time", Time.writeTime(event.getTime()));
        headers.put("content-type", event.getDataContentType());
        return headers;
    }
}
