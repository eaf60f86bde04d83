package org.revenant.crawl;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Building request URLs from a configured base and untrusted pieces. */
public final class Urls {

    private Urls() {}

    /** A query parameter value. */
    public static String param(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A path, each segment encoded, the slashes kept (owner/repo, a branch like release/v1). */
    public static String path(String value) {
        StringBuilder out = new StringBuilder();
        for (String segment : value.split("/", -1)) {
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }

    public static URI of(URI base, String pathAndQuery) {
        return URI.create(base.toString() + pathAndQuery);
    }

    /**
     * A next-page link from the platform, kept on the configured host: a response cannot send the
     * crawler (and its token) elsewhere.
     */
    public static URI sameOrigin(URI base, String link) throws CrawlException {
        URI next;
        try {
            next = base.resolve(link);
        } catch (IllegalArgumentException e) {
            throw new CrawlException("unusable next-page link: " + link);
        }
        if (!String.valueOf(next.getHost()).equalsIgnoreCase(String.valueOf(base.getHost()))
                || next.getPort() != base.getPort()) {
            throw new CrawlException("next-page link leaves " + base.getHost() + ": " + link);
        }
        return next;
    }
}
