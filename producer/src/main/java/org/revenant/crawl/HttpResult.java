package org.revenant.crawl;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** A completed HTTP exchange: status, headers and the (capped) body. */
public record HttpResult(URI uri, int status, HttpHeaders headers, byte[] body) {

    public boolean ok() {
        return status >= 200 && status <= 299;
    }

    public boolean notModified() {
        return status == 304;
    }

    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    public String etag() {
        return headers.firstValue("ETag").orElse(null);
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
