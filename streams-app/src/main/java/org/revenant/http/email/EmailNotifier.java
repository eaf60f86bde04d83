package org.revenant.http.email;

import java.time.Clock;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import org.revenant.health.Components;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.http.webhook.TargetGuard;
import org.revenant.http.webhook.WebhookNotifier;
import org.revenant.wire.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The e-mail subscriptions' notifier: the webhooks' consumer loop ({@link WebhookNotifier}) in its
 * own consumer group, feeding an {@link EmailDispatcher}, reporting the component {@value #COMPONENT}.
 */
public final class EmailNotifier {

    public static final String COMPONENT = "email";
    private static final Logger LOG = LoggerFactory.getLogger(EmailNotifier.class);

    private EmailNotifier() {}

    public static WebhookNotifier start(
            Properties clientProperties,
            Topics topics,
            String groupId,
            List<EmailSubscription> subscriptions,
            RevenantMetrics metrics,
            Components components) {
        return start(
                clientProperties,
                topics,
                groupId,
                subscriptions,
                metrics,
                components,
                TargetGuard.Resolver.SYSTEM,
                null);
    }

    static WebhookNotifier start(
            Properties clientProperties,
            Topics topics,
            String groupId,
            List<EmailSubscription> subscriptions,
            RevenantMetrics metrics,
            Components components,
            TargetGuard.Resolver resolver,
            SSLSocketFactory tls) {
        WebhookNotifier notifier = WebhookNotifier.start(
                clientProperties,
                topics,
                groupId,
                COMPONENT,
                dlq -> new EmailDispatcher(
                        subscriptions, dlq, topics.dlq.name(), metrics, resolver, tls, Clock.systemUTC()),
                components);
        LOG.info(
                "email: {} subscription(s) on {} (consumer group {})",
                subscriptions.size(),
                topics.alerts.name(),
                groupId);
        return notifier;
    }
}
