package org.revenant.cli.bench;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.revenant.avro.SnapshotChunk;
import org.revenant.wire.Topic;

/** The baseline: read each chunk, deserialize it, serialize it again and write it out; nothing else. */
final class PassThroughTopology {

    private PassThroughTopology() {}

    static Topology build(Topic<String, SnapshotChunk> input, String output) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(
                        input.name(),
                        Consumed.with(input.keySerde(), input.valueSerde()).withName("bench-source"))
                .mapValues(chunk -> chunk, Named.as("bench-identity"))
                .to(output, Produced.with(input.keySerde(), input.valueSerde()).withName("bench-sink"));
        return builder.build();
    }
}
