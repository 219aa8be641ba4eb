package atrium.core.mail;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One e-mail to one person, already in their language: a plain-text body and the same as simple HTML. */
public record Mail(String to, String subject, String text, String html) {
    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"]+");

    public Mail {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(html, "html");
    }

    /**
     * A message whose HTML part is the text itself, escaped, one paragraph per blank-line
     * separated block, with its web addresses made into links: every mail program shows the
     * same words, and none has to guess where a link ends.
     */
    public static Mail of(String to, String subject, String text) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        for (String para : text.strip().split("\\n\\s*\\n")) {
            html.append("<p>").append(linked(para).replace("\n", "<br>")).append("</p>");
        }
        return new Mail(to, subject, text, html.append("</body></html>").toString());
    }

    private static String linked(String text) {
        StringBuilder out = new StringBuilder();
        Matcher m = URL.matcher(text);
        int last = 0;
        while (m.find()) {
            out.append(escape(text.substring(last, m.start())));
            String url = escape(m.group());
            out.append("<a href=\"").append(url).append("\">").append(url).append("</a>");
            last = m.end();
        }
        return out.append(escape(text.substring(last))).toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
