package com.mantissa.stance.sync.settings;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One setting, declared once: its environment variable (read by the functions and the worker),
 * its CLI flag, its default as a user writes it, its parser and a one-line description. Every
 * entry point reads it through here, so a value means the same and is refused with the same
 * message wherever it is given.
 *
 * @param <T> the parsed value's type
 */
public final class Setting<T> {
    private final String env;
    private final String flag;
    private final String defaultText;
    private final Function<String, T> parser;
    private final String description;

    Setting(String env, String flag, String defaultText, Function<String, T> parser, String description) {
        if (env == null && flag == null) {
            throw new IllegalArgumentException("a setting needs an environment name or a flag");
        }
        this.env = env;
        this.flag = flag;
        this.defaultText = defaultText;
        this.parser = Objects.requireNonNull(parser);
        this.description = Objects.requireNonNull(description);
    }

    /** The environment variable, or null for a CLI-only setting. */
    public String env() {
        return env;
    }

    /** The CLI flag, or null for a setting only the functions read. */
    public String flag() {
        return flag;
    }

    /** The default as a user would write it; null when there is none. */
    public String defaultText() {
        return defaultText;
    }

    public String description() {
        return description;
    }

    /** The name a message uses: the environment variable, else the flag. */
    public String name() {
        return env != null ? env : flag;
    }

    /**
     * Parses {@code text} given as {@code source} (the variable or the flag).
     *
     * @throws ConfigurationException naming {@code source}, the value and what it should be
     */
    public T parse(String text, String source) {
        try {
            return parser.apply(text.strip());
        } catch (ConfigurationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigurationException(source + ": " + e.getMessage(), e);
        }
    }

    /** The default, parsed; null when there is none. */
    public T defaultValue() {
        return defaultText == null ? null : parse(defaultText, name());
    }

    /** The value the environment sets, empty when the variable is unset or blank. */
    public Optional<T> from(Map<String, String> environment) {
        String text = env == null ? null : environment.get(env);
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(parse(text, env));
    }

    /** The value the environment sets, else the default (null when there is none). */
    public T fromOrDefault(Map<String, String> environment) {
        return from(environment).orElseGet(this::defaultValue);
    }

    @Override
    public String toString() {
        return name();
    }

    // The parsers. Each throws IllegalArgumentException with what the value should be;
    // parse() puts the setting's name in front.

    static Duration duration(String text) {
        return Durations.parse(text);
    }

    static Integer positiveInt(String text) {
        return intRange(text, 1, Integer.MAX_VALUE);
    }

    static Integer intRange(String text, int min, int max) {
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(max == Integer.MAX_VALUE
                ? "expected a whole number >= " + min + ", got '" + text + "'"
                : "expected a whole number from " + min + " to " + max + ", got '" + text + "'");
    }

    static Boolean bool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException("expected true or false, got '" + text + "'");
        };
    }

    static Double share(String text) {
        double share;
        try {
            share = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            share = Double.NaN;
        }
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("expected a number from 0 to 1, got '" + text + "'");
        }
        return share;
    }

    static Function<String, String> choice(List<String> values) {
        return text -> {
            String t = text.toLowerCase(Locale.ROOT);
            if (!values.contains(t)) {
                throw new IllegalArgumentException("expected one of " + String.join(", ", values) + ", got '"
                        + text + "'");
            }
            return t;
        };
    }

    static String text(String text) {
        return text;
    }
}
