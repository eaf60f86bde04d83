package org.revenant.crawl;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One source's settings.
 *
 * @param name     {@code github}, {@code hf}, {@code academictorrents}, {@code ia}, {@code zenodo} or {@code torrents}
 * @param enabled  whether it runs
 * @param interval how often its mirrors are re-checked and its discovery queries re-run
 * @param url      the API's base URL (none for {@code torrents})
 * @param discover whether it searches for mirrors with queries built from the registry
 * @param watch    the explicit watch list (repositories, datasets, items, records, torrents)
 * @param token    from the environment only; never printed
 * @param sweep    whether and how politely it examines its whole catalogue ({@link Sweep#NONE} if it cannot)
 * @param budgetPerHour requests an hour to its host from one crawler process at most; 0: no budget
 */
public record SourceConfig(
        String name,
        boolean enabled,
        Duration interval,
        URI url,
        boolean discover,
        List<String> watch,
        Secret token,
        Sweep sweep,
        int budgetPerHour) {

    public SourceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(sweep, "sweep");
        watch = List.copyOf(watch);
    }

    /** Without a request budget. */
    public SourceConfig(
            String name,
            boolean enabled,
            Duration interval,
            URI url,
            boolean discover,
            List<String> watch,
            Secret token,
            Sweep sweep) {
        this(name, enabled, interval, url, discover, watch, token, sweep, 0);
    }

    /** A source that does not sweep. */
    public SourceConfig(
            String name,
            boolean enabled,
            Duration interval,
            URI url,
            boolean discover,
            List<String> watch,
            Secret token) {
        this(name, enabled, interval, url, discover, watch, token, Sweep.NONE, 0);
    }

    @Override
    public String toString() {
        return name + "{enabled=" + enabled + ", interval=" + interval + ", url=" + url + ", discover=" + discover
                + ", watch=" + watch.size() + " entries" + (token != null ? ", token set" : "")
                + (sweep.enabled() ? ", sweep " + sweep.perSecond() + "/s" : "")
                + (budgetPerHour > 0 ? ", budget " + budgetPerHour + "/h" : "") + "}";
    }
}
