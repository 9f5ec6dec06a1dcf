package com.mantissa.stance.sync.formats;

import com.mantissa.stance.sync.wire.InvalidTimestampException;
import com.mantissa.stance.sync.wire.PythonTimestamps;
import java.time.Instant;
import java.util.Map;

/**
 * Producer times as timestamps Python's {@code datetime.fromisoformat} accepts: ISO 8601 text is
 * checked and normalised; OCSF's epoch numbers become UTC ({@code +00:00}) timestamps.
 */
final class ProducerTimes {
    /**
     * OCSF defines epoch milliseconds, but Prowler writes epoch seconds; a value below this is
     * taken for seconds (10^11 seconds is the year 5138, 10^11 milliseconds March 1973).
     */
    static final double SECONDS_BELOW = 1e11;

    /** 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z: Python's datetime covers the years 1 to 9999. */
    private static final Instant FIRST = Instant.ofEpochSecond(-62135596800L);
    private static final Instant AFTER_LAST = Instant.ofEpochSecond(253402300800L);

    private ProducerTimes() {
    }

    /** ISO 8601 text, normalised; null when absent or empty; anything Python refuses is an error naming the field. */
    static String text(Map<String, Object> record, String path) {
        Object v = Values.at(record, path);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String)) {
            throw new MappingException(path, v, "expected an ISO 8601 datetime string");
        }
        try {
            return PythonTimestamps.normalize(v);
        } catch (InvalidTimestampException e) {
            throw new MappingException(path, v, "not a datetime Python's datetime.fromisoformat accepts");
        }
    }

    /** An epoch number (milliseconds, or seconds below {@link #SECONDS_BELOW}) as a UTC timestamp; null when absent. */
    static String epoch(Map<String, Object> record, String path) {
        Object v = Values.at(record, path);
        if (v == null) {
            return null;
        }
        long micros;
        if (v instanceof Long l) {
            micros = Math.abs(l) < SECONDS_BELOW ? l * 1_000_000L : l * 1_000L;
        } else if (v instanceof Double d && Double.isFinite(d) && Math.abs(d) < 1e15) {
            micros = Math.round(Math.abs(d) < SECONDS_BELOW ? d * 1e6 : d * 1e3);
        } else {
            throw new MappingException(path, v, "expected epoch milliseconds (or seconds)");
        }
        Instant instant = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
        if (instant.isBefore(FIRST) || !instant.isBefore(AFTER_LAST)) {
            throw new MappingException(path, v, "outside the years 1 to 9999");
        }
        return PythonTimestamps.isoformatNaiveUtc(instant) + "+00:00";
    }

    /**
     * The first OCSF time present among {@code names}: for each, the datetime profile's
     * {@code <name>_dt} text before the {@code <name>} epoch number. Null when none is present.
     */
    static String ocsf(Map<String, Object> record, String... names) {
        for (String name : names) {
            String dt = text(record, name + "_dt");
            if (dt != null) {
                return dt;
            }
            String epoch = epoch(record, name);
            if (epoch != null) {
                return epoch;
            }
        }
        return null;
    }

    /** The first ISO text present among {@code paths}; null when none is. */
    static String firstText(Map<String, Object> record, String... paths) {
        for (String path : paths) {
            String t = text(record, path);
            if (t != null) {
                return t;
            }
        }
        return null;
    }
}
