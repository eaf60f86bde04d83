package org.revenant.http.email;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.revenant.avro.AlertEvent;
import org.revenant.avro.SourceHealthEvent;
import org.revenant.http.metrics.RevenantMetrics;
import org.revenant.http.webhook.AlertChannel;
import org.revenant.http.webhook.DeadLetters;
import org.revenant.http.webhook.TargetGuard;
import org.revenant.http.webhook.WebhookDispatcher;
import org.revenant.http.webhook.WebhookDispatcher.Delivery;
import org.revenant.http.webhook.WebhookDispatcher.Outcome;
import org.revenant.http.webhook.WebhookDispatcher.Source;
import org.revenant.wire.AlertJson;
import org.revenant.wire.SourceHealthJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends alert events by e-mail: one multipart/alternative message (plain text and HTML) per event,
 * or per digest period listing the events of the period. A send is retried with backoff on
 * connection failures and temporary (4xx) answers, but not on a permanent (5xx) refusal or failed
 * authentication; after the
 * last attempt (or a refused server) every event of the message goes to the DLQ with where it came
 * from and why. Before each attempt the SMTP host is resolved and checked like a webhook target.
 *
 * <p>Digests live in memory: {@link #heldFrom} tells the notifier the lowest offset still waiting,
 * so nothing queued is committed before its digest has gone out (or been dead-lettered).
 */
public final class EmailDispatcher implements AlertChannel {

    private static final Logger LOG = LoggerFactory.getLogger(EmailDispatcher.class);
    private static final int MAX_ERROR = 500;

    /** The events of one subscription waiting for the end of its digest period. */
    private static final class Digest {
        final Instant due;
        final List<AlertEvent> events = new ArrayList<>();
        final List<Source> sources = new ArrayList<>();
        final Set<String> eventIds = new HashSet<>();
        final Map<String, Long> lowest = new HashMap<>();
        int dropped;

        Digest(Instant due) {
            this.due = due;
        }
    }

    private final List<EmailSubscription> subscriptions;
    private final DeadLetters dlq;
    private final RevenantMetrics metrics;
    private final TargetGuard.Resolver resolver;
    private final SSLSocketFactory tls;
    private final Clock clock;
    /** Subscription name to its open digest; guarded by itself (the poll thread reads it through heldFrom). */
    private final Map<String, Digest> digests = new LinkedHashMap<>();

    private volatile boolean stopping;

    public EmailDispatcher(
            List<EmailSubscription> subscriptions,
            Producer<byte[], byte[]> dlqProducer,
            String dlqTopic,
            RevenantMetrics metrics) {
        this(subscriptions, dlqProducer, dlqTopic, metrics, TargetGuard.Resolver.SYSTEM, null, Clock.systemUTC());
    }

    /** {@code tls}: the TLS socket factory for starttls/tls (null: the JVM's default trust, with host name checks). */
    EmailDispatcher(
            List<EmailSubscription> subscriptions,
            Producer<byte[], byte[]> dlqProducer,
            String dlqTopic,
            RevenantMetrics metrics,
            TargetGuard.Resolver resolver,
            SSLSocketFactory tls,
            Clock clock) {
        this.subscriptions = List.copyOf(subscriptions);
        this.dlq = new DeadLetters(dlqProducer, dlqTopic, "email");
        this.metrics = metrics;
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.tls = tls;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public List<Delivery> dispatch(AlertEvent event, Source source) throws InterruptedException {
        List<Delivery> deliveries = new ArrayList<>();
        for (EmailSubscription s : subscriptions) {
            try {
                if (!s.matches(event)) {
                    continue;
                }
                if (s.digest() != null) {
                    queue(s, event, source);
                } else {
                    deliveries.add(send(
                            s,
                            EmailMessage.alert(event, s.dashboard()),
                            event.getEvent().name(),
                            WebhookDispatcher.idempotencyKey(event.getEventId()),
                            List.of(Letter.of(event, source))));
                }
            } catch (RuntimeException e) {
                String error = "sending failed: " + e;
                LOG.warn(
                        "email {}: {} (event at {}-{}@{})",
                        s.name(),
                        error,
                        source.topic(),
                        source.partition(),
                        source.offset());
                deadLetter(s, Letter.of(event, source), error, 0);
                count(s, "failed");
                deliveries.add(new Delivery(s.name(), Outcome.FAILED, error));
            }
        }
        return deliveries;
    }

    /**
     * A source's health event (decision 026), to the subscriptions that opted in to its type: sent
     * at once, digest or not, since an operator wants to know the crawler is blind now.
     */
    @Override
    public List<Delivery> dispatch(SourceHealthEvent event, Source source) throws InterruptedException {
        List<Delivery> deliveries = new ArrayList<>();
        for (EmailSubscription s : subscriptions) {
            if (!s.filter().matches(event)) {
                continue;
            }
            try {
                deliveries.add(send(
                        s,
                        EmailMessage.sourceHealth(event),
                        event.getEvent().name(),
                        WebhookDispatcher.idempotencyKey(event.getEventId()),
                        List.of(Letter.of(event, source))));
            } catch (RuntimeException e) {
                String error = "sending failed: " + e;
                LOG.warn("email {}: {}", s.name(), error);
                deadLetter(s, Letter.of(event, source), error, 0);
                count(s, "failed");
                deliveries.add(new Delivery(s.name(), Outcome.FAILED, error));
            }
        }
        return deliveries;
    }

    @Override
    public boolean wantsSourceHealth() {
        return subscriptions.stream().anyMatch(s -> s.filter().wantsSourceHealth());
    }

    /** What goes to the DLQ for an event that could not be sent: its id, key, JSON and where it came from. */
    private record Letter(String eventId, String key, Supplier<String> json, Source source) {
        static Letter of(AlertEvent event, Source source) {
            return new Letter(event.getEventId(), event.getAlertKey(), () -> AlertJson.toJson(event), source);
        }

        static Letter of(SourceHealthEvent event, Source source) {
            return new Letter(
                    event.getEventId(), "source:" + event.getSource(), () -> SourceHealthJson.toJson(event), source);
        }
    }

    private static List<Letter> letters(List<AlertEvent> events, List<Source> sources) {
        List<Letter> letters = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            letters.add(Letter.of(events.get(i), sources.get(i)));
        }
        return letters;
    }

    private void queue(EmailSubscription s, AlertEvent event, Source source) {
        synchronized (digests) {
            Digest digest = digests.computeIfAbsent(
                    s.name(), n -> new Digest(clock.instant().plus(s.digest())));
            if (!digest.eventIds.add(event.getEventId())) {
                return; // read again after a rebalance: already listed
            }
            if (digest.events.size() < EmailMessage.MAX_DIGEST_EVENTS) {
                digest.events.add(event);
                digest.sources.add(source);
            } else {
                digest.dropped++;
            }
            digest.lowest.merge(key(source.topic(), source.partition()), source.offset(), Math::min);
        }
    }

    @Override
    public boolean due() {
        Instant now = clock.instant();
        synchronized (digests) {
            return digests.values().stream().anyMatch(d -> !d.due.isAfter(now));
        }
    }

    @Override
    public List<Delivery> flushDue() throws InterruptedException {
        Instant now = clock.instant();
        Map<EmailSubscription, Digest> due = new LinkedHashMap<>();
        synchronized (digests) {
            for (EmailSubscription s : subscriptions) {
                Digest digest = digests.get(s.name());
                if (digest != null && !digest.due.isAfter(now)) {
                    due.put(s, digest);
                }
            }
        }
        List<Delivery> deliveries = new ArrayList<>();
        for (Map.Entry<EmailSubscription, Digest> entry : due.entrySet()) {
            EmailSubscription s = entry.getKey();
            Digest digest = entry.getValue();
            try {
                deliveries.add(send(
                        s,
                        EmailMessage.digest(s.name(), digest.events, digest.dropped, s.dashboard()),
                        "DIGEST",
                        WebhookDispatcher.idempotencyKey(String.join("\n", digest.eventIds)),
                        letters(digest.events, digest.sources)));
            } catch (RuntimeException e) {
                String error = "sending the digest failed: " + e;
                LOG.warn("email {}: {}", s.name(), error);
                for (Letter letter : letters(digest.events, digest.sources)) {
                    deadLetter(s, letter, error, 0);
                }
                count(s, "failed");
                deliveries.add(new Delivery(s.name(), Outcome.FAILED, error));
            }
            // Sent or dead-lettered: its offsets may now be committed.
            synchronized (digests) {
                digests.remove(s.name(), digest);
            }
        }
        return deliveries;
    }

    @Override
    public long heldFrom(String topic, int partition) {
        String key = key(topic, partition);
        long lowest = Long.MAX_VALUE;
        synchronized (digests) {
            for (Digest digest : digests.values()) {
                Long offset = digest.lowest.get(key);
                if (offset != null && offset < lowest) {
                    lowest = offset;
                }
            }
        }
        return lowest;
    }

    private Delivery send(
            EmailSubscription s,
            EmailMessage.Content content,
            String eventHeader,
            String idempotencyKey,
            List<Letter> letters)
            throws InterruptedException {
        String error = null;
        int attempt = 0;
        while (attempt < s.maxAttempts()) {
            if (stopping) {
                throw new InterruptedException("closing");
            }
            attempt++;
            boolean retryable;
            TargetGuard.Verdict verdict = TargetGuard.check(s.host(), s.allowPrivate(), resolver);
            if (verdict instanceof TargetGuard.Refused refused && !refused.transientFailure()) {
                LOG.warn("email {}: refused: {}", s.name(), refused.reason());
                for (Letter letter : letters) {
                    deadLetter(s, letter, "refused: " + refused.reason(), attempt - 1);
                }
                count(s, "refused");
                return new Delivery(s.name(), Outcome.REFUSED, "refused: " + refused.reason());
            } else if (verdict instanceof TargetGuard.Refused unresolved) {
                error = unresolved.reason();
                retryable = true;
            } else {
                InetAddress address = ((TargetGuard.Allowed) verdict).address();
                try {
                    transmit(s, address, content, eventHeader, idempotencyKey);
                    count(s, "delivered");
                    return new Delivery(s.name(), Outcome.DELIVERED, null);
                } catch (MessagingException e) {
                    error = describe(e);
                    retryable = retryable(e);
                }
            }
            LOG.warn("email {} ({}): attempt {}/{} failed: {}", s.name(), s.target(), attempt, s.maxAttempts(), error);
            if (!retryable) {
                break;
            }
            if (attempt < s.maxAttempts()) {
                Thread.sleep(WebhookDispatcher.backoff(s.backoff(), attempt).toMillis());
            }
        }
        for (Letter letter : letters) {
            deadLetter(s, letter, error, attempt);
        }
        count(s, "failed");
        return new Delivery(s.name(), Outcome.FAILED, error);
    }

    /**
     * One SMTP conversation. Without TLS the connection goes to exactly the address checked; with
     * TLS it goes to the host name, which the server's certificate must match.
     */
    private void transmit(
            EmailSubscription s, InetAddress address, EmailMessage.Content content, String event, String key)
            throws MessagingException {
        boolean implicitTls = s.security() == EmailSubscription.Security.TLS;
        String protocol = implicitTls ? "smtps" : "smtp";
        String p = "mail." + protocol + ".";
        String host = s.security() == EmailSubscription.Security.NONE ? address.getHostAddress() : s.host();
        String timeout = Long.toString(s.timeout().toMillis());
        Properties props = new Properties();
        props.put(p + "host", host);
        props.put(p + "port", Integer.toString(s.port()));
        props.put(p + "connectiontimeout", timeout);
        props.put(p + "timeout", timeout);
        props.put(p + "writetimeout", timeout);
        props.put(p + "localhost", "revenant.localhost");
        props.put(p + "auth", Boolean.toString(s.username() != null));
        if (s.security() == EmailSubscription.Security.STARTTLS) {
            props.put(p + "starttls.enable", "true");
            props.put(p + "starttls.required", "true");
        }
        if (s.security() != EmailSubscription.Security.NONE) {
            if (tls != null) {
                props.put(p + "ssl.socketFactory", tls);
                props.put(p + "ssl.checkserveridentity", "false");
            } else {
                props.put(p + "ssl.checkserveridentity", "true");
            }
        }
        Session session = Session.getInstance(props);
        MimeMessage message = message(session, s, content, event, key);
        try (Transport transport = session.getTransport(protocol)) {
            transport.connect(host, s.port(), s.username(), s.password());
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    static MimeMessage message(
            Session session, EmailSubscription s, EmailMessage.Content content, String event, String key)
            throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(s.from());
        message.setRecipients(Message.RecipientType.TO, s.to().toArray(new InternetAddress[0]));
        message.setSubject(EmailMessage.oneLine(content.subject(), 200), "UTF-8");
        message.setSentDate(new Date());
        message.setHeader("Auto-Submitted", "auto-generated");
        message.setHeader("X-Revenant-Event", event);
        message.setHeader("X-Revenant-Idempotency-Key", key);
        MimeBodyPart text = new MimeBodyPart();
        text.setText(content.text(), "UTF-8", "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(content.html(), "UTF-8", "html");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        message.setContent(alternative);
        message.saveChanges();
        return message;
    }

    @Override
    public void undecodable(byte[] key, byte[] value, String reason, Source source) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("revenant.email.error", utf8("undecodable alert event: " + reason));
        DeadLetters.provenance(headers, source);
        dlq.write(key, value, headers, "an undecodable record");
    }

    @Override
    public void stop() {
        stopping = true;
    }

    private void deadLetter(EmailSubscription s, Letter letter, String error, int attempts) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("revenant.email.subscription", utf8(s.name()));
        headers.add("revenant.email.target", utf8(s.target()));
        headers.add("revenant.email.error", utf8(error == null ? "not attempted" : error));
        headers.add("revenant.email.attempts", utf8(Integer.toString(attempts)));
        headers.add("revenant.event.id", utf8(letter.eventId() == null ? "" : letter.eventId()));
        DeadLetters.provenance(headers, letter.source());
        byte[] body;
        try {
            body = utf8(letter.json().get());
        } catch (RuntimeException e) {
            body = new byte[0];
        }
        dlq.write(letter.key(), body, headers, "the failed e-mail to " + s.name());
    }

    /**
     * Connection, I/O and protocol failures may pass, and so may a 4xx answer; refused credentials
     * and a 5xx answer to the sender, a recipient or the data will be refused again.
     */
    static boolean retryable(MessagingException e) {
        if (e instanceof AuthenticationFailedException) {
            return false;
        }
        if (!(e instanceof SendFailedException)) {
            return true;
        }
        int depth = 0;
        for (Exception x = e;
                x != null && depth++ < 10;
                x = x instanceof MessagingException m ? m.getNextException() : null) {
            int code = x instanceof SMTPSendFailedException sent
                    ? sent.getReturnCode()
                    : x instanceof SMTPAddressFailedException address ? address.getReturnCode() : -1;
            if (code >= 400 && code < 500) {
                return true;
            }
        }
        return false;
    }

    /** The error of a failed send, one bounded line (the server's answer included, never the credentials). */
    private static String describe(MessagingException e) {
        StringBuilder text = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            text.append(": ").append(e.getMessage());
        }
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            text.append(" (").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                text.append(": ").append(cause.getMessage());
            }
            text.append(')');
        }
        return EmailMessage.oneLine(text.toString(), MAX_ERROR);
    }

    private void count(EmailSubscription s, String outcome) {
        if (metrics != null) {
            metrics.email(s.name(), outcome);
        }
    }

    private static String key(String topic, int partition) {
        return topic + "\u0000" + partition;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
