package org.revenant.http.email;

import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.revenant.avro.AlertEvent;
import org.revenant.http.webhook.AlertFilter;

/**
 * One e-mail subscription: which SMTP server, how to reach it, from and to whom, which alert
 * events, and whether they go out one by one or as a digest. {@code username} and {@code password}
 * come from the environment and are never shown ({@link #toString()} leaves them out).
 *
 * @param digest null: one message per event; else one message per period listing the events in it
 * @param dashboard the public address of the dashboard, for links to the alert page; null: no link
 */
public record EmailSubscription(
        String name,
        String host,
        int port,
        Security security,
        String username,
        String password,
        InternetAddress from,
        List<InternetAddress> to,
        AlertFilter filter,
        boolean allowPrivate,
        int maxAttempts,
        Duration backoff,
        Duration timeout,
        Duration digest,
        URI dashboard) {

    /** {@code starttls}: plain connection upgraded (required); {@code tls}: TLS from the start (SMTPS); {@code none}. */
    public enum Security {
        STARTTLS(587),
        TLS(465),
        NONE(25);

        final int defaultPort;

        Security(int defaultPort) {
            this.defaultPort = defaultPort;
        }
    }

    public EmailSubscription {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(from, "from");
        to = List.copyOf(to);
        if (to.isEmpty()) {
            throw new IllegalArgumentException("at least one recipient");
        }
        filter = filter == null ? AlertFilter.ALL : filter;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be from 1 to 65535");
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("username and password go together");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative() || backoff.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive and backoff not negative");
        }
        if (digest != null && (digest.isZero() || digest.isNegative())) {
            throw new IllegalArgumentException("digest must be positive");
        }
    }

    public boolean matches(AlertEvent event) {
        return filter.matches(event);
    }

    /** Host and port: safe for logs and DLQ headers. */
    public String target() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return "EmailSubscription[" + name + " -> " + target() + ", " + security + ", " + to.size() + " recipient(s)"
                + (digest == null ? "" : ", digest " + digest) + "]";
    }
}
