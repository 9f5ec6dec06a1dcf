package com.mantissa.stance.sync.settings;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in settings and on a command line: whole numbers with a unit,
 * {@code 500ms}, {@code 3s}, {@code 2m}, {@code 24h}, {@code 7d}, or several combined
 * ({@code 1m30s}); a bare {@code 0} (zero needs no unit); or ISO-8601 ({@code PT1H30M}). A
 * number without a unit is refused rather than guessed, because seconds and milliseconds are
 * both plausible readings. The one parser for the CLI's options and the functions' settings.
 *
 * <p>A duration over {@link #MAX} is refused: every bound the engine keeps is counted in
 * nanoseconds from now, and a few hundred years of them overflow a long.
 */
public final class Durations {
    /** The longest duration any setting takes: ten years. */
    public static final Duration MAX = Duration.ofDays(3650);
    private static final Pattern PART = Pattern.compile("(\\d{1,18})(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * @throws IllegalArgumentException naming the text and the accepted forms when it is not a
     *     non-negative duration in one of them
     */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        try {
            if (s.startsWith("p")) {
                Duration d = Duration.parse(s);
                if (!d.isNegative()) {
                    return bounded(text, d);
                }
                throw invalid(text, null);
            }
            Matcher m = PART.matcher(s);
            Duration total = Duration.ZERO;
            int at = 0;
            while (at < s.length() && m.find(at) && m.start() == at) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
                at = m.end();
            }
            if (at == 0 || at != s.length()) {
                throw invalid(text, null);
            }
            return bounded(text, total);
        } catch (ArithmeticException | DateTimeParseException e) {
            throw invalid(text, e);
        }
    }

    private static Duration bounded(String text, Duration d) {
        if (d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("'" + text + "' is longer than the longest duration a setting takes ("
                    + MAX.toDays() + "d)");
        }
        return d;
    }

    private static IllegalArgumentException invalid(String text, Exception cause) {
        return new IllegalArgumentException("'" + text + "' is not a duration: expected a whole number and a unit "
                + "(ms, s, m, h, d) such as 500ms, 3s, 2m or 24h, several combined such as 1m30s, or 0", cause);
    }

    /** The shortest text {@link #parse} reads back as {@code d}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
