package org.revenant.crawl;

/**
 * A whole-catalogue sweep (docs/decisions/024): a source whose discovery can list everything the
 * platform holds (Academic Torrents' {@code database.xml}) examines every entry once, not only the
 * ones named like a retracted dataset, so a copy renamed to nothing in the registry is still fetched
 * and matched by its sizes and hashes. Swept entries are fetched politely and never again once
 * examined (a torrent's files never change under its infohash).
 *
 * @param enabled   whether the source sweeps ({@code sources.<name>.sweep})
 * @param perSecond the most sweep fetches a crawler process makes per second ({@code sweepRate})
 * @param perRun    how many entries one {@code crawl --once} examines at most ({@code sweepPerRun})
 */
public record Sweep(boolean enabled, double perSecond, int perRun) {

    /** A source that cannot sweep, or does not. */
    public static final Sweep NONE = new Sweep(false, 1, 0);

    public static final double MAX_PER_SECOND = 100;
    public static final int MAX_PER_RUN = 1_000_000;

    public Sweep {
        if (!(perSecond > 0 && perSecond <= MAX_PER_SECOND)) {
            throw new IllegalArgumentException("sweepRate must be more than 0 and at most " + MAX_PER_SECOND);
        }
        if (perRun < 0 || perRun > MAX_PER_RUN) {
            throw new IllegalArgumentException("sweepPerRun must be from 0 to " + MAX_PER_RUN);
        }
    }

    public Sweep withEnabled(boolean on) {
        return new Sweep(on, perSecond, perRun);
    }
}
