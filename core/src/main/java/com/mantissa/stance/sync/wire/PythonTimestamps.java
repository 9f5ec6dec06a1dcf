package com.mantissa.stance.sync.wire;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Optional;

/**
 * Python 3.11's {@code datetime.fromisoformat(s).isoformat()}, ported from the C implementation
 * ({@code _datetimemodule.c}) that CPython actually runs, so that timestamps in records come out
 * byte-identical to the original engine's: extended and basic dates, ISO week dates, any single
 * character as the date/time separator, 1+ fraction digits (truncated to microseconds, {@code .}
 * or {@code ,}), {@code Z}, and offsets {@code ±HH[:MM[:SS[.ffffff]]]}.
 */
public final class PythonTimestamps {
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private PythonTimestamps() {
    }

    /** A parsed timestamp; {@code offsetMicros} is null for a naive one. */
    record Parsed(LocalDateTime local, Long offsetMicros) {
        Instant toInstant() {
            Instant asUtc = local.toInstant(ZoneOffset.UTC);
            return offsetMicros == null ? asUtc : asUtc.minus(offsetMicros, ChronoUnit.MICROS);
        }

        String isoformat() {
            StringBuilder sb = new StringBuilder(32);
            int year = local.getYear();
            pad(sb, year, 4).append('-');
            pad(sb, local.getMonthValue(), 2).append('-');
            pad(sb, local.getDayOfMonth(), 2).append('T');
            pad(sb, local.getHour(), 2).append(':');
            pad(sb, local.getMinute(), 2).append(':');
            pad(sb, local.getSecond(), 2);
            int micros = local.getNano() / 1000;
            if (micros != 0) {
                pad(sb.append('.'), micros, 6);
            }
            if (offsetMicros != null) {
                long off = offsetMicros;
                sb.append(off < 0 ? '-' : '+');
                off = Math.abs(off);
                long us = off % 1_000_000;
                long secs = off / 1_000_000;
                pad(sb, (int) (secs / 3600), 2).append(':');
                pad(sb, (int) (secs / 60 % 60), 2);
                if (secs % 60 != 0 || us != 0) {
                    pad(sb.append(':'), (int) (secs % 60), 2);
                    if (us != 0) {
                        pad(sb.append('.'), (int) us, 6);
                    }
                }
            }
            return sb.toString();
        }

        private static StringBuilder pad(StringBuilder sb, int value, int width) {
            String s = Integer.toString(value);
            for (int i = s.length(); i < width; i++) {
                sb.append('0');
            }
            return sb.append(s);
        }
    }

    /**
     * {@code datetime.utcnow().isoformat()}: naive UTC, microseconds only when non-zero. The
     * original stamps {@code _synced_at} this way, and a Python reader compares it with
     * {@code last_seen} values, so it must stay naive.
     */
    public static String isoformatNaiveUtc(Instant instant) {
        LocalDateTime utc = LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
        return new Parsed(utc, null).isoformat();
    }

    /**
     * The timestamp as the original writes it. {@code null} and {@code ""} give {@code null};
     * anything Python would refuse throws {@link InvalidTimestampException}.
     */
    public static String normalize(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String)) {
            throw new InvalidTimestampException("invalid timestamp " + CanonicalJson.write(value) + ": not a string");
        }
        String s = (String) value;
        if (s.isEmpty()) {
            return null;
        }
        String written = RegularTimestamps.normalize(s);
        if (written != null) {
            return written;
        }
        Parsed p = parse(s);
        if (p == null) {
            throw new InvalidTimestampException("invalid timestamp '" + Printable.of(s) + "'");
        }
        return p.isoformat();
    }

    /** The instant of a timestamp; a naive one is taken as UTC; unparsable gives empty. */
    public static Optional<Instant> toInstant(String iso) {
        if (iso == null || iso.isEmpty()) {
            return Optional.empty();
        }
        Parsed p = parse(iso);
        return p == null ? Optional.empty() : Optional.of(p.toInstant());
    }

    /**
     * {@code toInstant(iso)} in epoch microseconds, or {@code unparsable}. The form this class
     * writes ({@code YYYY-MM-DDTHH:MM:SS[.ffffff][±HH:MM]}) is read directly; anything else goes
     * through {@link #toInstant}. The push reads one such timestamp per record, and the general
     * path's objects took a thirtieth of its CPU.
     */
    public static long epochMicros(String iso, long unparsable) {
        long direct = iso == null ? RegularTimestamps.NOT_REGULAR : RegularTimestamps.epochMicros(iso);
        if (direct != RegularTimestamps.NOT_REGULAR) {
            return direct;
        }
        Optional<Instant> instant = toInstant(iso);
        return instant.isEmpty() ? unparsable : epochMicros(instant.get());
    }

    /** The instant in epoch microseconds (truncated), as the push index keeps times. */
    public static long epochMicros(Instant i) {
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
    }

    /** Parses like CPython 3.11's {@code datetime.fromisoformat}; null when it would raise. */
    static Parsed parse(String s) {
        // CPython parses the UTF-8 bytes, so a lone surrogate anywhere but the separator fails.
        if (s.length() < 7) {
            return null;
        }
        Cursor c = new Cursor(s);
        int sep = separatorLocation(c, s.length());
        if (sep < 0) {
            return null;
        }
        int[] ymd = parseDate(c, sep);
        if (ymd == null) {
            return null;
        }
        int[] time = {0, 0, 0, 0};
        Long offset = null;
        if (s.length() > sep) {
            int start = sep + Character.charCount(s.codePointAt(sep));
            for (int i = start; i < s.length(); i++) {
                if (Character.isSurrogate(s.charAt(i))) {
                    return null;
                }
            }
            for (int i = 0; i < sep; i++) {
                if (Character.isSurrogate(s.charAt(i))) {
                    return null;
                }
            }
            long[] tz = new long[1];
            int rv = parseTime(c, start, s.length(), time, tz);
            if (rv < 0) {
                return null;
            }
            if (rv == 1) {
                offset = tz[0];
                if (Math.abs(offset) >= MICROS_PER_DAY) {
                    return null;
                }
            }
        }
        try {
            LocalDateTime local = LocalDateTime.of(ymd[0], ymd[1], ymd[2], time[0], time[1], time[2],
                    time[3] * 1000);
            if (ymd[0] < 1 || ymd[0] > 9999) {
                return null;
            }
            return new Parsed(local, offset);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** Characters read like a NUL-terminated C string: past the end reads as '\0'. */
    private static final class Cursor {
        final String s;

        Cursor(String s) {
            this.s = s;
        }

        char at(int i) {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        boolean digit(int i) {
            char ch = at(i);
            return ch >= '0' && ch <= '9';
        }

        /** Reads n digits at i into out[0]; returns the next index or -1. */
        int digits(int i, int n, int[] out) {
            int v = 0;
            for (int k = 0; k < n; k++) {
                if (!digit(i + k)) {
                    return -1;
                }
                v = v * 10 + (at(i + k) - '0');
            }
            out[0] = v;
            return i + n;
        }
    }

    private static int separatorLocation(Cursor c, int len) {
        if (len == 7) {
            return 7;
        }
        if (c.at(4) == '-') {
            if (c.at(5) == 'W') {
                if (len > 8 && c.at(8) == '-') {
                    if (len == 9) {
                        return -1;
                    }
                    if (len > 10 && c.digit(10)) {
                        return 8;
                    }
                    return 10;
                }
                return 8;
            }
            return 10;
        }
        if (c.at(4) == 'W') {
            int idx = 7;
            while (idx < len && c.digit(idx)) {
                idx++;
            }
            if (idx < 9) {
                return idx;
            }
            return idx % 2 == 0 ? 7 : 8;
        }
        return 8;
    }

    private static int[] parseDate(Cursor c, int len) {
        int[] v = new int[1];
        int p = c.digits(0, 4, v);
        if (p < 0) {
            return null;
        }
        int year = v[0];
        boolean usesSeparator = c.at(p) == '-';
        if (usesSeparator) {
            p++;
        }
        if (c.at(p) == 'W') {
            p = c.digits(p + 1, 2, v);
            if (p < 0) {
                return null;
            }
            int week = v[0];
            int day = 1;
            if (p < len) {
                if (usesSeparator && c.at(p++) != '-') {
                    return null;
                }
                p = c.digits(p, 1, v);
                if (p < 0) {
                    return null;
                }
                day = v[0];
            }
            return isoWeekToDate(year, week, day);
        }
        p = c.digits(p, 2, v);
        if (p < 0) {
            return null;
        }
        int month = v[0];
        if (usesSeparator && c.at(p++) != '-') {
            return null;
        }
        p = c.digits(p, 2, v);
        if (p < 0) {
            return null;
        }
        return new int[] {year, month, v[0]};
    }

    private static int[] isoWeekToDate(int year, int week, int day) {
        if (year < 1 || year > 9999) {
            return null;
        }
        LocalDate jan1 = LocalDate.of(year, 1, 1);
        if (week <= 0 || week >= 53) {
            boolean ok = false;
            if (week == 53) {
                DayOfWeek first = jan1.getDayOfWeek();
                ok = first == DayOfWeek.THURSDAY || (first == DayOfWeek.WEDNESDAY && jan1.isLeapYear());
            }
            if (!ok) {
                return null;
            }
        }
        if (day <= 0 || day >= 8) {
            return null;
        }
        LocalDate week1Monday = LocalDate.of(year, 1, 4).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        LocalDate d = week1Monday.plusDays((week - 1) * 7L + day - 1);
        return new int[] {d.getYear(), d.getMonthValue(), d.getDayOfMonth()};
    }

    /** Returns 0 (naive), 1 (with offset, stored in tz[0] as signed micros) or < 0 (invalid). */
    private static int parseTime(Cursor c, int start, int end, int[] time, long[] tz) {
        int tzPos = start;
        do {
            char ch = c.at(tzPos);
            if (ch == 'Z' || ch == '+' || ch == '-') {
                break;
            }
        } while (++tzPos < end);
        int rv = parseHhMmSsFf(c, start, tzPos, time);
        if (rv < 0) {
            return rv;
        }
        if (tzPos == end) {
            return rv == 1 ? -5 : 0;
        }
        if (c.at(tzPos) == 'Z') {
            tz[0] = 0;
            return c.at(tzPos + 1) != '\0' ? -5 : 1;
        }
        long sign = c.at(tzPos) == '-' ? -1 : 1;
        int[] off = {0, 0, 0, 0};
        rv = parseHhMmSsFf(c, tzPos + 1, end, off);
        long seconds = off[0] * 3600L + off[1] * 60L + off[2];
        // CPython picks UTC whenever the whole-second part is zero, dropping any fraction.
        tz[0] = seconds == 0 ? 0 : sign * (seconds * 1_000_000L + off[3]);
        return rv != 0 ? -5 : 1;
    }

    private static final int[] CORRECTION = {100000, 10000, 1000, 100, 10};

    private static int parseHhMmSsFf(Cursor c, int start, int end, int[] vals) {
        int p = start;
        int[] v = new int[1];
        boolean hasSeparator = true;
        for (int i = 0; i < 3; i++) {
            p = c.digits(p, 2, v);
            if (p < 0) {
                return -3;
            }
            vals[i] = v[0];
            char ch = c.at(p++);
            if (i == 0) {
                hasSeparator = ch == ':';
            }
            if (p >= end) {
                return ch != '\0' ? 1 : 0;
            } else if (hasSeparator && ch == ':') {
                continue;
            } else if (ch == '.' || ch == ',') {
                break;
            } else if (!hasSeparator) {
                p--;
            } else {
                return -4;
            }
        }
        int remains = end - p;
        int toParse = Math.min(remains, 6);
        p = c.digits(p, toParse, v);
        if (p < 0 || toParse == 0) {
            return -3;
        }
        vals[3] = toParse < 6 ? v[0] * CORRECTION[toParse - 1] : v[0];
        while (c.digit(p)) {
            p++;
        }
        return c.at(p) != '\0' ? 1 : 0;
    }
}
