package org.revenant.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.revenant.avro.CensusSample;
import org.revenant.avro.CensusStats;
import org.revenant.avro.CensusWeek;
import org.revenant.detect.census.CensusKey;
import org.revenant.detect.census.CensusTally;

/**
 * The JSON of one census for {@code /api/census} (decision 019). Counts of mirrors by state are
 * as of now; with a {@code since}, the weekly series, the period's totals and the medians keep
 * only what happened from then on.
 */
final class CensusJson {

    private CensusJson() {}

    static ObjectNode of(CensusStats s, Instant since) {
        List<CensusSample> lifetimes = after(s.getLifetimes(), since);
        List<CensusSample> removals = after(s.getRemovals(), since);
        LocalDate fromWeek = since == null ? null : CensusTally.weekOf(since);
        ObjectNode node = ApiJson.MAPPER.createObjectNode();
        node.put("key", new CensusKey(s.getScope(), s.getName()).toString());
        node.put("scope", s.getScope().name());
        node.put("name", s.getName());
        node.put("mirrors", s.getMirrors());
        node.put("open", s.getOpen());
        node.put("resolved", s.getResolved());
        node.put("suppressed", s.getSuppressed());
        node.put("everResolved", s.getEverResolved());
        node.put("reappeared", s.getReappeared());
        node.put("reappearances", s.getReappearances());
        // Of the mirrors ever resolved, the share that came back at least once.
        if (s.getEverResolved() > 0) {
            node.put("reappearanceRate", (double) s.getReappeared() / s.getEverResolved());
        } else {
            node.putNull("reappearanceRate");
        }
        node.put("takedownRequests", s.getTakedownRequests());
        node.put("removedAfterRequest", s.getRemovedAfterRequest());
        node.put("returnedAfterRemoval", s.getReturnedAfterRemoval());
        duration(node, "medianLifetime", CensusTally.median(lifetimes));
        node.put("lifetimeSamples", lifetimes.size());
        duration(node, "medianTimeToRemoval", CensusTally.median(removals));
        node.put("removalSamples", removals.size());
        node.put("derivativeMirrors", s.getDerivativeMirrors());
        ArrayNode derivatives = node.putArray("derivatives");
        s.getDerivatives().forEach(derivatives::add);
        ObjectNode period = node.putObject("period");
        period.put("since", fromWeek == null ? null : fromWeek.toString());
        long opened = 0, resolved = 0, reappeared = 0, requested = 0;
        ArrayNode weeks = node.putArray("weeks");
        for (CensusWeek w : s.getWeeks()) {
            if (fromWeek != null && w.getWeekStart().isBefore(fromWeek)) {
                continue;
            }
            opened += w.getOpened();
            resolved += w.getResolved();
            reappeared += w.getReappeared();
            requested += w.getRequested();
            weeks.addObject()
                    .put("weekStart", w.getWeekStart().toString())
                    .put("opened", w.getOpened())
                    .put("resolved", w.getResolved())
                    .put("reappeared", w.getReappeared())
                    .put("requested", w.getRequested());
        }
        period.put("opened", opened);
        period.put("resolved", resolved);
        period.put("reappeared", reappeared);
        period.put("requested", requested);
        node.put("updatedAt", s.getUpdatedAt().toString());
        return node;
    }

    private static List<CensusSample> after(List<CensusSample> samples, Instant since) {
        return since == null
                ? samples
                : samples.stream().filter(x -> !x.getAt().isBefore(since)).toList();
    }

    private static void duration(ObjectNode node, String field, Long millis) {
        if (millis == null) {
            node.putNull(field);
            node.putNull(field + "Millis");
        } else {
            node.put(field, Duration.ofMillis(millis).toString());
            node.put(field + "Millis", millis);
        }
    }
}
