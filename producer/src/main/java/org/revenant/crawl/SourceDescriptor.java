package org.revenant.crawl;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything Revenant knows about a platform before it crawls it: its name in the configuration,
 * where its API is and how to point elsewhere, the token it may use, what a watch-list entry looks
 * like, how often to look, whether it searches, and how to build its {@link Source}. The
 * configuration reader, {@code crawl --source} and its help, the dashboard's platform list and the
 * tests' defaults all come from the one list of descriptors ({@code org.revenant.platforms.Platforms};
 * docs/decisions/015).
 *
 * @param name        the source's name: {@code sources.<name>} in the YAML, {@code --source <name>}
 * @param platform    the platform part of the mirror keys it publishes ({@code github}, {@code torrent}, ...)
 * @param urlKey      the YAML key of its base URL ({@code apiUrl} or {@code url}); null: it has none
 * @param defaultUrl  the public service
 * @param urlEnv      environment variable that overrides the URL, or null
 * @param tokenEnv    environment variable holding its token, or null (never printed)
 * @param watchKey    the YAML key of its watch list; a source without a URL may be given the list alone
 * @param watchShape  what an entry must look like, or null for anything
 * @param watchHint   the shape in words, for errors
 * @param interval    how often its mirrors are re-checked by default
 * @param discovers   whether it searches by default ({@code discover:} turns it off)
 * @param factory     builds the source from its settings and the shared HTTP client
 * @param sweep       its default whole-catalogue sweep, {@link Sweep#NONE} for a platform that cannot list everything
 */
public record SourceDescriptor(
        String name,
        String platform,
        String urlKey,
        String defaultUrl,
        String urlEnv,
        String tokenEnv,
        String watchKey,
        Pattern watchShape,
        String watchHint,
        Duration interval,
        boolean discovers,
        Factory factory,
        Sweep sweep,
        int budgetPerHour) {

    /** Without a request budget of its own (the platform's rate limit is the only bound). */
    public SourceDescriptor(
            String name,
            String platform,
            String urlKey,
            String defaultUrl,
            String urlEnv,
            String tokenEnv,
            String watchKey,
            Pattern watchShape,
            String watchHint,
            Duration interval,
            boolean discovers,
            Factory factory,
            Sweep sweep) {
        this(
                name,
                platform,
                urlKey,
                defaultUrl,
                urlEnv,
                tokenEnv,
                watchKey,
                watchShape,
                watchHint,
                interval,
                discovers,
                factory,
                sweep,
                0);
    }

    /** Builds a platform's source. */
    @FunctionalInterface
    public interface Factory {
        Source create(SourceConfig config, HttpFetcher http);
    }

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    public SourceDescriptor {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a source name is 1 to 32 lower-case letters, digits or '-': " + name);
        }
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(watchKey, "watchKey");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(sweep, "sweep");
        if ((urlKey == null) != (defaultUrl == null)) {
            throw new IllegalArgumentException(name + ": a URL key needs a default URL and the reverse");
        }
        if (watchShape != null && watchHint == null) {
            throw new IllegalArgumentException(name + ": a watch shape needs its hint");
        }
    }

    /** A platform that cannot sweep its catalogue. */
    public SourceDescriptor(
            String name,
            String platform,
            String urlKey,
            String defaultUrl,
            String urlEnv,
            String tokenEnv,
            String watchKey,
            Pattern watchShape,
            String watchHint,
            Duration interval,
            boolean discovers,
            Factory factory) {
        this(
                name,
                platform,
                urlKey,
                defaultUrl,
                urlEnv,
                tokenEnv,
                watchKey,
                watchShape,
                watchHint,
                interval,
                discovers,
                factory,
                Sweep.NONE);
    }

    /** The same platform, sweeping its whole catalogue by default as {@code sweep} says. */
    public SourceDescriptor sweeping(Sweep defaults) {
        return new SourceDescriptor(
                name,
                platform,
                urlKey,
                defaultUrl,
                urlEnv,
                tokenEnv,
                watchKey,
                watchShape,
                watchHint,
                interval,
                discovers,
                factory,
                defaults,
                budgetPerHour);
    }

    /**
     * The same platform with a default request budget: at most {@code perHour} requests an hour to
     * its host from one crawler process, under the platform's published limit (decision 027).
     */
    public SourceDescriptor budgeted(int perHour) {
        return new SourceDescriptor(
                name,
                platform,
                urlKey,
                defaultUrl,
                urlEnv,
                tokenEnv,
                watchKey,
                watchShape,
                watchHint,
                interval,
                discovers,
                factory,
                sweep,
                perHour);
    }

    /** A platform that searches its public API, configured at {@code sources.<name>.<urlKey>}. */
    public static SourceDescriptor api(
            String name,
            String platform,
            String urlKey,
            String defaultUrl,
            String urlEnv,
            String tokenEnv,
            String watchKey,
            String watchShape,
            String watchHint,
            Duration interval,
            Factory factory) {
        return new SourceDescriptor(
                name,
                platform,
                urlKey,
                defaultUrl,
                urlEnv,
                tokenEnv,
                watchKey,
                Pattern.compile(watchShape),
                watchHint,
                interval,
                true,
                factory);
    }
}
