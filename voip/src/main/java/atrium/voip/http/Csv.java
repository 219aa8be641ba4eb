package atrium.voip.http;

import java.util.List;

/**
 * CSV rows as RFC 4180 has them (comma, CRLF, a field with a comma, quote or line break in double quotes, a quote
 * doubled), with cells a spreadsheet would run as a formula ({@code = + - @}, tab, CR at the start) prefixed with a
 * quote: a caller's display name is chosen by whoever calls (OWASP "CSV injection").
 */
final class Csv {
    private Csv() {
    }

    static String row(List<String> cells) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(cell(cells.get(i)));
        }
        return sb.append("\r\n").toString();
    }

    static String cell(String value) {
        String v = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }
}
