package org.revenant.detect.census;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.revenant.avro.AlertState;
import org.revenant.avro.CensusMirror;
import org.revenant.avro.CensusScope;
import org.revenant.avro.CensusStats;
import org.revenant.detect.census.CensusTally.Role;
import org.revenant.detect.state.StateStores;

/**
 * Keeps the census of each dataset and platform (decision 019) from the alert states, re-keyed by
 * census key: the census in {@link StateStores#CENSUS}, what it counted of each alert in
 * {@link StateStores#CENSUS_MIRRORS}; forwards each census that changed, for the stats topic.
 */
public final class CensusCounter implements Processor<String, AlertState, String, CensusStats> {

    private ProcessorContext<String, CensusStats> context;
    private KeyValueStore<String, CensusStats> census;
    private KeyValueStore<String, CensusMirror> counted;

    /**
     * The censuses an alert state counts in: its dataset's, its platform's and, for a derived
     * dataset, its parent's. Evidence is dropped on the way: the census needs none of it.
     */
    public static List<KeyValue<String, AlertState>> routes(AlertState state) {
        if (state == null) {
            return List.of();
        }
        AlertState slim = AlertState.newBuilder(state).setEvidence(List.of()).build();
        List<KeyValue<String, AlertState>> out = new ArrayList<>(3);
        out.add(KeyValue.pair(CensusKey.dataset(state.getDatasetId()).toString(), slim));
        out.add(KeyValue.pair(CensusKey.platform(state.getPlatform()).toString(), slim));
        String parent = state.getParentId();
        if (parent != null && !parent.equals(state.getDatasetId())) {
            out.add(KeyValue.pair(CensusKey.dataset(parent).toString(), slim));
        }
        return out;
    }

    @Override
    public void init(ProcessorContext<String, CensusStats> context) {
        this.context = context;
        census = context.getStateStore(StateStores.CENSUS);
        counted = context.getStateStore(StateStores.CENSUS_MIRRORS);
    }

    @Override
    public void process(Record<String, AlertState> record) {
        CensusKey key = CensusKey.parse(record.key());
        AlertState state = record.value();
        if (key == null || state == null) {
            return;
        }
        Role role;
        if (key.scope() == CensusScope.PLATFORM || key.name().equals(state.getDatasetId())) {
            role = Role.DIRECT;
        } else if (key.name().equals(state.getParentId())) {
            role = Role.DERIVATIVE;
        } else {
            return; // not routed by routes(): nothing this census counts
        }
        String censusKey = key.toString();
        String mirrorKey = key.mirrorKey(state.getAlertKey());
        CensusStats stats = census.get(censusKey);
        if (stats == null) {
            stats = CensusTally.empty(key, state.getFirstSeen());
        }
        CensusTally.Result result = CensusTally.apply(stats, counted.get(mirrorKey), state, role);
        if (!result.changed()) {
            return;
        }
        counted.put(mirrorKey, result.mirror());
        census.put(censusKey, result.stats());
        context.forward(record.withKey(censusKey).withValue(result.stats()));
    }
}
