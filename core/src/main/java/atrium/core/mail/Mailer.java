package atrium.core.mail;

import atrium.core.Config;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends e-mail through the SMTP server of the {@code mail.*} keys, off the caller's thread:
 * {@link #send} only queues, one virtual thread sends, retrying with growing waits. A caller
 * never sees a mail failure (a share is made even when the mail server is down); failures are
 * logged. With {@code mail.host} empty, mail is off and {@link #send} drops the message.
 */
public final class Mailer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Mailer.class.getName());

    enum Security { NONE, STARTTLS, TLS }

    private final Optional<String> host;
    private final int port;
    private final Security security;
    private final Optional<String> user;
    private final String password;
    private final InternetAddress from;
    private final int attempts;
    private final long firstWaitMs;
    private final Session session;
    private final BlockingQueue<Mail> queue;
    private final Thread worker;
    private volatile boolean closing;
    private final LongAdder sent = new LongAdder();
    private final LongAdder failed = new LongAdder();

    public Mailer(Config config) {
        this(config, 1000);
    }

    /** A mailer that sends nothing, whatever the configuration says. */
    public static Mailer off(Config config) {
        return new Mailer(config.with(java.util.Map.of("mail.host", "")), 1000);
    }

    /** {@code firstWaitMs}: the wait before the second attempt; tests shorten it. */
    Mailer(Config config, long firstWaitMs) {
        this.host = config.optional("mail.host");
        this.port = config.port("mail.port");
        this.security = config.oneOf("mail.security", Security.class);
        this.user = config.optional("mail.user");
        this.password = config.string("mail.password");
        this.attempts = config.integer("mail.attempts", 1, 20);
        this.firstWaitMs = firstWaitMs;
        int timeoutMs = config.integer("mail.timeout-seconds", 1, 3600) * 1000;
        this.queue = new LinkedBlockingQueue<>(config.integer("mail.queue-size", 1, 1_000_000));
        this.from = host.isEmpty() ? null : sender(config);
        Properties props = properties(timeoutMs);
        config.path("mail.trust-certificate").ifPresent(pem ->
                props.put("mail." + protocol() + ".ssl.socketFactory", MailTrust.socketFactory(config, pem)));
        this.session = Session.getInstance(props);
        this.worker = host.isEmpty() ? null : Thread.ofVirtual().name("mailer").start(this::run);
    }

    private static InternetAddress sender(Config config) {
        String address = config.optional("mail.from").orElseThrow(() -> config.bad("mail.from", "must be set when mail.host is"));
        try {
            InternetAddress parsed = new InternetAddress(address, true);
            parsed.setPersonal(config.string("mail.from-name"), StandardCharsets.UTF_8.name());
            return parsed;
        } catch (AddressException | UnsupportedEncodingException e) {
            throw config.bad("mail.from", "must be one e-mail address such as atrium@example.com");
        }
    }

    private Properties properties(int timeoutMs) {
        String p = protocol();
        Properties props = new Properties();
        props.put("mail.transport.protocol", p);
        props.put("mail." + p + ".connectiontimeout", String.valueOf(timeoutMs));
        props.put("mail." + p + ".timeout", String.valueOf(timeoutMs));
        props.put("mail." + p + ".writetimeout", String.valueOf(timeoutMs));
        props.put("mail." + p + ".auth", String.valueOf(user.isPresent()));
        props.put("mail." + p + ".ssl.checkserveridentity", "true");
        if (security == Security.STARTTLS) {
            // Required, not opportunistic: a server that does not offer it must not get the password in clear.
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
        }
        return props;
    }

    private String protocol() {
        return security == Security.TLS ? "smtps" : "smtp";
    }

    public boolean enabled() {
        return host.isPresent();
    }

    /** Messages the SMTP server accepted since start (a metric). */
    public long sent() {
        return sent.sum();
    }

    /** Messages given up since start: refused, or failed at every attempt (a metric; the log says why). */
    public long failed() {
        return failed.sum();
    }

    /** Queues the message; never throws for a mail problem, never blocks. */
    public void send(Mail mail) {
        if (host.isEmpty()) {
            LOG.fine(() -> "mail is off (mail.host empty): not sending \"" + mail.subject() + "\"");
            return;
        }
        if (closing || !queue.offer(mail)) {
            LOG.warning("mail queue full or closing: dropped \"" + mail.subject() + "\" to " + mail.to());
        }
    }

    private void run() {
        while (!closing || !queue.isEmpty()) {
            Mail mail;
            try {
                mail = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (mail != null && !deliver(mail)) {
                return;
            }
        }
    }

    /** Tries the message up to {@code mail.attempts} times; false when interrupted. */
    private boolean deliver(Mail mail) {
        long wait = firstWaitMs;
        for (int attempt = 1; ; attempt++) {
            try {
                transmit(mail);
                sent.increment();
                LOG.fine(() -> "mail sent to " + mail.to() + ": \"" + mail.subject() + "\"");
                return true;
            } catch (SendFailedException | AddressException e) {
                // The server refused the recipient or the message for good: trying again changes nothing.
                LOG.warning("mail to " + mail.to() + " refused by the SMTP server, not retried: " + e.getMessage());
                failed.increment();
                return true;
            } catch (MessagingException | RuntimeException e) {
                if (attempt >= attempts) {
                    LOG.log(Level.WARNING, "mail to " + mail.to() + " given up after " + attempt + " attempts: " + e, e);
                    failed.increment();
                    return true;
                }
                LOG.info("mail to " + mail.to() + " failed (attempt " + attempt + "), retrying: " + e);
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                LOG.warning("mail to " + mail.to() + " not sent: shutting down");
                return false;
            }
            wait *= 5;
        }
    }

    private void transmit(Mail mail) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(from);
        message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(mail.to(), true));
        // Encoded as RFC 2047 words when not plain ASCII.
        message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
        message.setSentDate(new Date());
        MimeBodyPart text = new MimeBodyPart();
        text.setText(mail.text(), StandardCharsets.UTF_8.name());
        MimeBodyPart html = new MimeBodyPart();
        html.setText(mail.html(), StandardCharsets.UTF_8.name(), "html");
        message.setContent(new MimeMultipart("alternative", text, html));
        try (Transport transport = session.getTransport(protocol())) {
            transport.connect(host.orElseThrow(), port, user.orElse(null), user.isPresent() ? password : null);
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    /** Gives the queue a few seconds to empty, then stops; what is left is logged as lost. */
    @Override
    public void close() {
        closing = true;
        if (worker == null) {
            return;
        }
        try {
            if (!worker.join(java.time.Duration.ofSeconds(5))) {
                worker.interrupt();
                worker.join(java.time.Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!queue.isEmpty()) {
            LOG.warning(queue.size() + " mail messages not sent at shutdown");
        }
    }
}
