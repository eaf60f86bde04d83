package org.revenant.detect.publish;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.revenant.avro.AlertEvent;
import org.revenant.wire.AlertCloudEvent;
import org.revenant.wire.AlertJson;

/**
 * The {@code alerts.json} projection: each alert event as its public JSON, with the CloudEvents
 * Kafka binding's binary-mode headers ({@code ce_*}, {@code content-type}), so a CloudEvents
 * consumer reads the topic unchanged (docs/decisions/017-integrations.md). The headers replace
 * whatever the input record carried: crawler headers are not part of the public format.
 */
public final class AlertJsonProjection implements FixedKeyProcessor<String, AlertEvent, String> {

    private final URI source;
    private FixedKeyProcessorContext<String, String> context;

    public AlertJsonProjection(URI source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    @Override
    public void init(FixedKeyProcessorContext<String, String> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, AlertEvent> record) {
        RecordHeaders headers = new RecordHeaders();
        for (Map.Entry<String, String> header :
                AlertCloudEvent.kafkaHeaders(record.value(), source).entrySet()) {
            headers.add(header.getKey(), header.getValue().getBytes(StandardCharsets.UTF_8));
        }
        context.forward(record.withValue(AlertJson.toJson(record.value())).withHeaders(headers));
    }
}
