package com.mantissa.stance.sync.wire;

import java.time.LocalDate;

/**
 * The regular forms of a timestamp, {@code YYYY-MM-DDTHH:MM:SS[.ffffff][Z|±HH:MM]}, read
 * without {@link PythonTimestamps}' general parser, which handles every form Python accepts
 * but builds objects for each: a push reads and writes such timestamps for every record.
 * Each method gives exactly what the general path gives, or says the text is not regular.
 */
final class RegularTimestamps {
    private RegularTimestamps() {
    }

    /** What a method returns for text not in a regular form. */
    static final long NOT_REGULAR = Long.MIN_VALUE;

    /**
     * {@link PythonTimestamps#epochMicros} of {@code YYYY-MM-DDTHH:MM:SS[.ffffff][±HH:MM]}, the
     * form {@link PythonTimestamps#normalize} writes, or {@link #NOT_REGULAR}.
     */
    static long epochMicros(String s) {
        int len = s.length();
        boolean fraction = len == 26 || len == 32;
        boolean offset = len == 25 || len == 32;
        if (!(len == 19 || fraction || offset) || (fraction && s.charAt(19) != '.')) {
            return NOT_REGULAR;
        }
        long seconds = localSeconds(s);
        int micros = fraction ? digits(s, 20, 6) : 0;
        long offsetSeconds = offset ? offsetSeconds(s, len - 6) : 0;
        if (seconds == NOT_REGULAR || micros < 0 || offsetSeconds == NOT_REGULAR) {
            return NOT_REGULAR;
        }
        return (seconds - offsetSeconds) * 1_000_000L + micros;
    }

    /**
     * {@link PythonTimestamps#normalize} of {@code YYYY-MM-DDTHH:MM:SS[.ffffff][Z|±HH:MM]}, or
     * null for any other text.
     */
    static String normalize(String s) {
        int len = s.length();
        if (len < 19 || localSeconds(s) == NOT_REGULAR) {
            return null;
        }
        int at = 19;
        boolean micros = false;
        if (len > at && s.charAt(at) == '.') {
            int value = len >= at + 7 ? digits(s, at + 1, 6) : -1;
            if (value < 0) {
                return null;
            }
            micros = value != 0;
            at += 7;
        }
        String zone;
        if (at == len) {
            zone = "";
        } else if (at + 1 == len && s.charAt(at) == 'Z') {
            zone = "+00:00";
        } else if (at + 6 == len) {
            long offset = offsetSeconds(s, at);
            if (offset == NOT_REGULAR) {
                return null;
            }
            zone = offset == 0 ? "+00:00" : s.substring(at);
        } else {
            return null;
        }
        String local = s.substring(0, micros ? 26 : 19);
        return local.length() == len ? s : local + zone;
    }

    /** The seconds of {@code YYYY-MM-DDTHH:MM:SS} at the start of {@code s} as if UTC, or {@link #NOT_REGULAR}. */
    private static long localSeconds(String s) {
        if (s.length() < 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return NOT_REGULAR;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month)
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return NOT_REGULAR;
        }
        return LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3600L + minute * 60L + second;
    }

    /** The seconds of {@code ±HH:MM} at {@code at} (the rest of {@code s}), or {@link #NOT_REGULAR}. */
    private static long offsetSeconds(String s, int at) {
        char sign = s.charAt(at);
        int hours = digits(s, at + 1, 2);
        int minutes = digits(s, at + 4, 2);
        if ((sign != '+' && sign != '-') || s.charAt(at + 3) != ':' || hours < 0 || hours > 23
                || minutes < 0 || minutes > 59) {
            return NOT_REGULAR;
        }
        return (sign == '-' ? -1 : 1) * (hours * 3600L + minutes * 60L);
    }

    /** The number of {@code count} decimal digits at {@code at}, or -1 if any is not a digit. */
    private static int digits(String s, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }
}
