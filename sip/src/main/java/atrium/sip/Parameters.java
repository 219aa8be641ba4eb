package atrium.sip;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code ;name=value} parameters of a URI, Via or name-addr, in their order. Names compare case-insensitively;
 * a flag parameter ({@code ;lr}, {@code ;rport}) has an empty value. Unknown parameters are kept and re-emitted.
 */
public record Parameters(List<Param> list) {
    public static final Parameters NONE = new Parameters(List.of());

    public record Param(String name, Optional<String> value) {
        @Override
        public String toString() {
            return value.map(v -> name + "=" + v).orElse(name);
        }
    }

    public Parameters {
        list = List.copyOf(list);
    }

    /** Parses {@code a=b;c;d="x;y"} (without the leading semicolon). */
    static Parameters parse(String s) {
        if (s.isBlank()) {
            return NONE;
        }
        List<Param> params = new ArrayList<>();
        for (String part : Text.split(s, ';')) {
            if (part.isEmpty()) {
                continue; // tolerate ";;" and a trailing ";"
            }
            int eq = part.indexOf('=');
            String name = (eq < 0 ? part : part.substring(0, eq)).trim();
            if (!Text.isToken(name)) {
                throw SipParseException.of(400, "Malformed parameter " + clip(name));
            }
            params.add(new Param(name, eq < 0 ? Optional.empty() : Optional.of(part.substring(eq + 1).trim())));
        }
        return new Parameters(params);
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    /** The value of the parameter (empty string for a flag), if present. */
    public Optional<String> get(String name) {
        for (Param p : list) {
            if (p.name.equalsIgnoreCase(name)) {
                return Optional.of(p.value.orElse(""));
            }
        }
        return Optional.empty();
    }

    public boolean has(String name) {
        return get(name).isPresent();
    }

    /** These parameters with {@code name} set to {@code value} (in place if present, else appended). */
    public Parameters with(String name, String value) {
        return replace(name, Optional.of(value));
    }

    /** These parameters with the flag {@code name} (no value). */
    public Parameters withFlag(String name) {
        return replace(name, Optional.empty());
    }

    private Parameters replace(String name, Optional<String> value) {
        List<Param> out = new ArrayList<>(list.size() + 1);
        boolean done = false;
        for (Param p : list) {
            if (p.name.equalsIgnoreCase(name)) {
                if (!done) {
                    out.add(new Param(p.name, value));
                    done = true;
                }
            } else {
                out.add(p);
            }
        }
        if (!done) {
            out.add(new Param(name, value));
        }
        return new Parameters(out);
    }

    public Parameters without(String name) {
        return new Parameters(list.stream().filter(p -> !p.name.equalsIgnoreCase(name)).toList());
    }

    /** {@code ;a=b;c}, or the empty string. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Param p : list) {
            b.append(';').append(p);
        }
        return b.toString();
    }
}
