package com.mantissa.stance.sync.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as people write them on a command line: a whole number and a unit, {@code 500ms},
 * {@code 3s}, {@code 2m}, {@code 24h}, {@code 7d}; a bare {@code 0} (zero needs no unit); or
 * ISO-8601 ({@code PT1H30M}). A number without a unit is refused rather than guessed.
 */
public final class Durations {
    private static final Pattern AMOUNT = Pattern.compile("(\\d{1,18})(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * @throws IllegalArgumentException naming the text and the accepted forms when it is not
     *     a non-negative duration in one of them
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = AMOUNT.matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            if (t.startsWith("p")) {
                Duration d = Duration.parse(t);
                if (!d.isNegative()) {
                    return d;
                }
            }
        } catch (ArithmeticException | DateTimeParseException e) {
            throw invalid(text, e);
        }
        throw invalid(text, null);
    }

    private static IllegalArgumentException invalid(String text, Exception cause) {
        return new IllegalArgumentException("'" + text + "' is not a duration: expected a whole number and a unit "
                + "(ms, s, m, h, d) such as 500ms, 3s, 2m or 24h, or 0", cause);
    }

    /** picocli's converter for options of type {@link Duration}: a bad value is a usage error naming the option. */
    public static final class Converter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
