package atrium.core;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A message for a person, not yet in any language: a key of the {@link Messages}
 * catalogue and the values for its placeholders. An argument may itself be a {@code Msg}
 * (rendered in the same language) or a list (rendered as "a, b, c").
 */
public record Msg(String key, List<Object> args) {
    public Msg {
        Objects.requireNonNull(key, "key");
        // A missing value must not turn a 400 into a 500 while the error is being built.
        args = args.stream().map(Msg::frozen).toList();
    }

    private static Object frozen(Object arg) {
        return switch (arg) {
            case null -> "";
            case Collection<?> items -> items.stream().map(Msg::frozen).toList();
            default -> arg;
        };
    }

    public static Msg of(String key, Object... args) {
        return new Msg(key, Arrays.asList(args));
    }

    public String text(Language language) {
        return Messages.standard().render(this, language);
    }

    /** The English text, as logs and the CLI show it. */
    public String english() {
        return text(Language.EN);
    }

    @Override
    public String toString() {
        return english();
    }
}
