package org.revenant.cli.export;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * A crawled mirror URL as the exports may put it in a URL-typed property: an absolute http(s) URI
 * with a host that parses as Java reads RFC 3986, of at most 2,048 characters. Anything else
 * (another scheme, spaces, control characters) is left out: it stays visible as the mirror key.
 */
final class WebUrl {

    static final int MAX_CHARS = 2048;

    private WebUrl() {}

    static Optional<String> of(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_CHARS) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return Optional.of(text);
            }
        } catch (URISyntaxException e) {
            // not a URL a tool could follow
        }
        return Optional.empty();
    }
}
