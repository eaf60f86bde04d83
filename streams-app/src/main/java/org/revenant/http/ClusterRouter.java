package org.revenant.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.revenant.detect.state.StateStores;

/**
 * Finds which instance holds a mirror's state and asks it over HTTP. All of Revenant's state is
 * partitioned by mirror key, so the mirror key (never the alert key) decides the owner. A
 * forwarded request carries {@value #FORWARDED} and is always answered locally, so requests
 * never bounce between instances.
 */
final class ClusterRouter {

    static final String FORWARDED = "X-Revenant-Forwarded";

    /** The most one answer from another instance may hold: 5,000 alerts or 1,000 events fit many times over. */
    static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

    /** Where a key lives: here, on another instance, or nowhere right now. */
    sealed interface Owner permits Here, There, Unknown {}

    record Here() implements Owner {}

    record There(HostInfo host) implements Owner {}

    record Unknown() implements Owner {}

    /** An answer from another instance, passed on as it came. */
    record Remote(int status, String body) {}

    private final KafkaStreams streams;
    private final HostInfo self;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** {@code self} is this instance's {@code application.server}, or null for a single instance. */
    ClusterRouter(KafkaStreams streams, HostInfo self) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.self = self;
    }

    Owner ownerOfMirror(String mirrorKey) {
        if (self == null) {
            return new Here();
        }
        KeyQueryMetadata metadata = streams.queryMetadataForKey(
                StateStores.ALERTS, mirrorKey, Serdes.String().serializer());
        if (metadata == null || metadata == KeyQueryMetadata.NOT_AVAILABLE) {
            return new Unknown();
        }
        return metadata.activeHost().equals(self) ? new Here() : new There(metadata.activeHost());
    }

    /** The other instances hosting alert state, for requests that need every partition. */
    List<HostInfo> otherHosts() {
        if (self == null) {
            return List.of();
        }
        Set<HostInfo> hosts = new LinkedHashSet<>();
        for (StreamsMetadata metadata : streams.streamsMetadataForStore(StateStores.ALERTS)) {
            if (!metadata.hostInfo().equals(self)) {
                hosts.add(metadata.hostInfo());
            }
        }
        return new ArrayList<>(hosts);
    }

    /**
     * Asks {@code host} for {@code pathAndQuery}, which the caller built from parsed, encoded
     * parts. A target that is not a valid URI fails as an {@link IOException} whose message holds
     * no address, so nothing internal can reach the client through an error answer.
     */
    Remote get(HostInfo host, String pathAndQuery) throws IOException, InterruptedException {
        URI target;
        try {
            target = new URI("http://" + host.host() + ":" + host.port() + pathAndQuery);
        } catch (URISyntaxException e) {
            throw new IOException("the forwarded request is not a valid URI");
        }
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(Duration.ofSeconds(10))
                .header(FORWARDED, "1")
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new IOException("another instance answered more than " + MAX_BODY_BYTES + " bytes");
            }
            return new Remote(response.statusCode(), new String(bytes, StandardCharsets.UTF_8));
        }
    }
}
