package atrium.sip;

/** The CSeq header (RFC 3261 §20.16): a sequence number below 2^31 and a method. */
public record CSeq(long number, String method) {
    public static CSeq parse(String s) {
        String t = s.trim();
        int sp = 0;
        while (sp < t.length() && !Character.isWhitespace(t.charAt(sp))) {
            sp++;
        }
        String num = t.substring(0, sp);
        String method = t.substring(sp).trim();
        if (num.isEmpty() || num.length() > 10 || !num.chars().allMatch(Character::isDigit) || !Text.isToken(method)) {
            throw SipParseException.of(400, "Malformed CSeq");
        }
        long n = Long.parseLong(num);
        if (n >= 1L << 31) {
            throw SipParseException.of(400, "CSeq number too large");
        }
        return new CSeq(n, method);
    }

    @Override
    public String toString() {
        return number + " " + method;
    }
}
