package atrium.files.share;

import atrium.core.AtriumException;
import atrium.core.Config;
import atrium.core.Msg;
import atrium.core.db.Database;
import atrium.files.Thumbnails;
import atrium.identity.AccountService;
import atrium.identity.AdminSettings;
import atrium.identity.AuditLog;
import atrium.identity.Caller;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The firm's name and logo on the public pages of links and the sign-in page: {@code
 * instance.name} unless an administrator set another, and a logo an administrator uploaded
 * (docs/adr/0016-branding-and-run-time-settings.md). A logo is decoded and re-encoded
 * (PNG, or JPEG when opaque; at most 1024 pixels a side), so what is served is always an
 * image we made; SVG is refused because an SVG file can carry scripts.
 */
public final class Branding {
    static final String NAME = "instance.name";
    /** The largest logo file accepted, before re-encoding. */
    public static final int MAX_LOGO_BYTES = 512 * 1024;
    private static final int MAX_NAME = 100;
    private static final int LOGO_BOX = 1024;
    /** Past this, a "logo" is a decompression bomb: refused before its pixels are decoded. */
    private static final long LOGO_MAX_PIXELS = 40_000_000L;

    /** A stored logo; its etag changes with its bytes. */
    public record Logo(byte[] bytes, String contentType, String etag) {
    }

    private final Jdbi jdbi;
    private final AdminSettings settings;
    private final AuditLog audit;
    private final Clock clock;
    private final String configuredName;
    /** The last logo read, kept while its etag is the stored one (a logo is read on every public page). */
    private volatile Optional<Logo> cached = Optional.empty();

    public Branding(Config config, Database db, AdminSettings settings, AuditLog audit, Clock clock) {
        this.jdbi = db.jdbi();
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
        this.configuredName = config.string(NAME);
    }

    /** The firm's name now. */
    public String name() {
        return settings.override(NAME).filter(n -> !n.isBlank()).orElse(configuredName);
    }

    /** The name in the configuration file, which applies when no administrator set one. */
    public String configuredName() {
        return configuredName;
    }

    /** Sets the firm's name, or with an empty value goes back to {@code instance.name}. Audited. */
    public void setName(Caller caller, Optional<String> name) {
        AccountService.requireAdmin(caller);
        Optional<String> clean = name.map(String::strip).filter(n -> !n.isEmpty());
        clean.ifPresent(n -> {
            if (n.length() > MAX_NAME || n.chars().anyMatch(Character::isISOControl)) {
                throw AtriumException.Invalid.field("name", Msg.of("files.branding.bad-name", MAX_NAME));
            }
        });
        settings.setOverride(NAME, clean);
        audit.record(caller, "settings-changed", NAME, clean.orElse(configuredName + " (the configuration file's value)"));
    }

    /** The etag of the logo, without reading the logo. */
    public Optional<String> logoEtag() {
        return jdbi.withHandle(h -> h.createQuery("SELECT etag FROM files_branding_logo WHERE id = 1")
                .mapTo(String.class).findOne());
    }

    /** Where the logo is served; the etag in the address makes a new logo a new URL, so each may be cached for long. */
    public Optional<String> logoUrl() {
        return logoEtag().map(e -> "/api/v1/branding/logo?v=" + e);
    }

    public Optional<Logo> logo() {
        Optional<String> etag = logoEtag();
        Optional<Logo> seen = cached;
        if (etag.isEmpty() || seen.map(l -> l.etag().equals(etag.get())).orElse(false)) {
            return etag.isEmpty() ? Optional.empty() : seen;
        }
        Optional<Logo> read = jdbi.withHandle(h -> h.createQuery("SELECT content_type, etag, data FROM files_branding_logo WHERE id = 1")
                .map((rs, ctx) -> new Logo(Base64.getDecoder().decode(rs.getString("data")), rs.getString("content_type"),
                        rs.getString("etag")))
                .findOne());
        cached = read;
        return read;
    }

    /**
     * Checks an uploaded logo by decoding it, re-encodes it and stores it in place of the
     * previous one, in one transaction. Audited.
     *
     * @throws AtriumException.Invalid when it is empty, SVG, or not an image ImageIO reads
     */
    public Logo setLogo(Caller caller, byte[] upload) {
        AccountService.requireAdmin(caller);
        if (upload.length == 0) {
            throw new AtriumException.Invalid(Msg.of("files.branding.logo-empty"));
        }
        if (upload.length > MAX_LOGO_BYTES) {
            throw tooLarge();
        }
        if (looksLikeMarkup(upload)) {
            throw new AtriumException.Invalid(Msg.of("files.branding.logo-svg"));
        }
        Thumbnails.Image image;
        try {
            image = Thumbnails.ofImage(new ByteArrayInputStream(upload), LOGO_BOX, LOGO_MAX_PIXELS);
        } catch (AtriumException.NotFound e) {
            // Thumbnails says "no preview"; for an upload, it is a bad request.
            throw new AtriumException.Invalid(Msg.of("files.branding.logo-not-image"));
        }
        Logo logo = new Logo(image.bytes(), image.contentType(), sha256(image.bytes()).substring(0, 32));
        String data = Base64.getEncoder().encodeToString(logo.bytes());
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM files_branding_logo WHERE id = 1").execute();
            h.createUpdate("INSERT INTO files_branding_logo (id, content_type, etag, data, updated_at) VALUES (1, :t, :e, :d, :at)")
                    .bind("t", logo.contentType()).bind("e", logo.etag()).bind("d", data).bind("at", clock.millis()).execute();
        });
        audit.record(caller, "settings-changed", "branding-logo", logo.contentType() + ", " + upload.length + " bytes uploaded, "
                + logo.bytes().length + " stored");
        return logo;
    }

    public void removeLogo(Caller caller) {
        AccountService.requireAdmin(caller);
        int n = jdbi.withHandle(h -> h.createUpdate("DELETE FROM files_branding_logo WHERE id = 1").execute());
        if (n > 0) {
            audit.record(caller, "settings-changed", "branding-logo", "removed");
        }
    }

    public static AtriumException tooLarge() {
        return new AtriumException.TooLarge(Msg.of("files.branding.logo-too-large", MAX_LOGO_BYTES / 1024));
    }

    /** SVG (or any XML or HTML): text starting with "<" after an optional byte-order mark and blanks. */
    private static boolean looksLikeMarkup(byte[] b) {
        String head = new String(b, 0, Math.min(b.length, 64), StandardCharsets.UTF_8).replace("\uFEFF", "").stripLeading();
        return head.startsWith("<");
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
