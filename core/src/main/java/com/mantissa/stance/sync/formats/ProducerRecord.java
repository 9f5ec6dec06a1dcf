package com.mantissa.stance.sync.formats;

import java.util.List;
import java.util.Map;

/**
 * One record read from a producer file: a raw finding or asset map (the shape a Stance scan
 * line gives, so the push's normalisation, paths and checksum rules apply unchanged), or why an
 * element could not be read or mapped.
 *
 * @param kind     FINDING or ASSET; null for a record of a Stance file, whose kind the file's
 *                 name or the caller says, and for an error
 * @param index    the element's number in the file, from 1 (an element gives a finding and
 *                 perhaps assets, all with its number)
 * @param line     the line the element starts on, from 1
 * @param origin   where it came from, e.g. {@code prowler.ocsf.json element 3 (line 41)}
 * @param raw      the record; null for an error
 * @param error    the message, starting with the origin; null for a record
 * @param warnings what was mapped by a documented fallback (an Unknown severity, a MANUAL result)
 */
public record ProducerRecord(Kind kind, int index, int line, String origin, Map<String, Object> raw, String error,
                             List<String> warnings) {
    /** The record types a producer element yields. */
    public enum Kind { FINDING, ASSET }

    public boolean isError() {
        return error != null;
    }

    static ProducerRecord error(int index, int line, String origin, String message) {
        return new ProducerRecord(null, index, line, origin, null, origin + ": " + message, List.of());
    }
}
