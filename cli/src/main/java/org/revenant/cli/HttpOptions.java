package org.revenant.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.revenant.detect.RevenantStreams;
import org.revenant.health.Components;
import org.revenant.http.Analysts;
import org.revenant.http.RevenantHttp;
import org.revenant.http.email.EmailConfig;
import org.revenant.http.email.EmailNotifier;
import org.revenant.http.email.EmailSubscription;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.http.webhook.WebhookConfig;
import org.revenant.http.webhook.WebhookNotifier;
import org.revenant.http.webhook.WebhookSubscription;
import org.revenant.wire.Topics;
import picocli.CommandLine.Option;

/** The HTTP API, dashboard, webhook and e-mail options of the commands that run the streams app. */
final class HttpOptions {

    static final String TOKEN_ENV = "REVENANT_ADMIN_TOKEN";

    @Option(
            names = "--http-port",
            paramLabel = "PORT",
            defaultValue = "8080",
            description = "Port of the HTTP API and dashboard (default ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--http-host",
            paramLabel = "HOST",
            defaultValue = "localhost",
            description = {
                "Interface the HTTP server listens on (default ${DEFAULT-VALUE}; 0.0.0.0 for all).",
                "With several instances, other instances reach this one at --http-advertised."
            })
    String host;

    @Option(
            names = "--http-advertised",
            paramLabel = "HOST:PORT",
            description =
                    "How other instances reach this one's HTTP API (Kafka Streams application.server; default HOST:PORT).")
    String advertised;

    @Option(
            names = "--webhooks",
            paramLabel = "FILE",
            defaultValue = "${env:REVENANT_WEBHOOKS}",
            description =
                    "YAML file whose webhooks: and email: sections list webhook and e-mail subscriptions (env REVENANT_WEBHOOKS; README: Webhooks, E-mail).")
    Path webhooks;

    @Option(
            names = "--analysts",
            paramLabel = "FILE",
            defaultValue = "${env:REVENANT_ANALYSTS}",
            description =
                    "File of named analysts, one 'name: analyst|reader sha256:<hex of the token>' per line (env REVENANT_ANALYSTS; README: Analysts).")
    Path analystsFile;

    private Analysts analysts;

    /** Who may act: the --analysts file, plus admin with REVENANT_ADMIN_TOKEN; read before anything starts. */
    Analysts analysts() {
        if (analysts == null) {
            Analysts named = Analysts.none();
            if (analystsFile != null) {
                try {
                    named = Analysts.load(analystsFile);
                } catch (Analysts.InvalidAnalysts e) {
                    throw new UserError(e.getMessage());
                }
            }
            analysts = Analysts.with(named, System.getenv(TOKEN_ENV));
        }
        return analysts;
    }

    private List<EmailSubscription> email = List.of();

    /**
     * The webhook subscriptions of --webhooks; reads its e-mail subscriptions too (see
     * {@link #emailSubscriptions()}), before anything starts, so a bad file fails fast.
     */
    List<WebhookSubscription> subscriptions() {
        if (webhooks == null) {
            return List.of();
        }
        try {
            List<WebhookSubscription> subscriptions = WebhookConfig.load(webhooks);
            email = EmailConfig.load(webhooks);
            return subscriptions;
        } catch (WebhookConfig.InvalidConfig e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The e-mail subscriptions of --webhooks, read by {@link #subscriptions()}. */
    List<EmailSubscription> emailSubscriptions() {
        return email;
    }

    /**
     * The webhook notifier when there are webhook subscriptions (component "webhooks", group
     * {@code <application id>-webhooks}) and the e-mail notifier when there are e-mail ones
     * (component "email", group {@code <application id>-email}); closing the result closes both.
     */
    AutoCloseable startWebhooks(
            List<WebhookSubscription> subscriptions,
            Properties clientProperties,
            Topics topics,
            String applicationId,
            RevenantMetrics metrics,
            Components components) {
        AutoCloseable hooks = subscriptions.isEmpty()
                ? () -> {}
                : WebhookNotifier.start(
                        clientProperties, topics, applicationId + "-webhooks", subscriptions, metrics, components);
        if (email.isEmpty()) {
            return hooks;
        }
        AutoCloseable mail;
        try {
            mail = EmailNotifier.start(clientProperties, topics, applicationId + "-email", email, metrics, components);
        } catch (RuntimeException e) {
            try {
                hooks.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return () -> {
            try {
                mail.close();
            } finally {
                hooks.close();
            }
        };
    }

    /** Adds {@code application.server} so interactive queries can route to this instance. */
    Properties withApplicationServer(Properties clientProperties) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised());
        return props;
    }

    String advertised() {
        if (advertised != null) {
            return advertised;
        }
        String shown = "0.0.0.0".equals(host) || "::".equals(host) ? hostName() : host;
        return shown + ":" + port;
    }

    RevenantHttp start(
            RevenantStreams streams, Properties clientProperties, RevenantMetrics metrics, Components components) {
        if (port < 1 || port > 65535) {
            throw new UserError("--http-port must be from 1 to 65535: " + port);
        }
        try {
            return RevenantHttp.start(
                    streams, clientProperties, metrics, new RevenantHttp.Settings(host, port, analysts()), components);
        } catch (IllegalStateException e) {
            throw new UserError(e.getMessage() + " (choose another with --http-port)");
        }
    }

    String url() {
        return "http://" + ("0.0.0.0".equals(host) ? "localhost" : host) + ":" + port + "/";
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
