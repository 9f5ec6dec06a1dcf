package com.mantissa.stance.sync.storage;

import java.time.Duration;

/**
 * How long one request to a cloud store may take, applied to every SDK client the adapters
 * build: {@code connect} bounds opening a connection, {@code attempt} bounds one whole request
 * (connect, send, wait for and read the answer). A server that accepts connections and never
 * answers costs one {@code attempt} per call, not forever.
 *
 * <p>The SDK clients make exactly one attempt per call: their own retries are off and
 * {@code engine.Retry} alone decides whether, when and how often a call is repeated, with one
 * backoff, one count of attempts and one deadline for the whole sync. Stacked under the
 * engine's retries, the SDKs' attempts multiplied (GCS's 6 × the engine's 3 = 18 requests per
 * failing call, Azure's 3 × 3 = 9) and none of them was counted or bounded by the sync.
 *
 * <p>The defaults come from {@code STANCE_CONNECT_TIMEOUT} and {@code STANCE_REQUEST_TIMEOUT}
 * (ISO-8601 durations such as {@code PT10S}, or whole seconds; system property first, then
 * environment), read when a process-wide client is first built.
 */
public record StorageTimeouts(Duration connect, Duration attempt) {

    public static final String CONNECT_TIMEOUT_SETTING = "STANCE_CONNECT_TIMEOUT";
    public static final String REQUEST_TIMEOUT_SETTING = "STANCE_REQUEST_TIMEOUT";

    /** 5 s to connect (a loopback or in-region endpoint connects in milliseconds), 30 s a request. */
    public static final StorageTimeouts DEFAULT = new StorageTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30));

    public StorageTimeouts {
        if (connect == null || attempt == null || connect.isNegative() || connect.isZero() || attempt.isNegative()
                || attempt.isZero()) {
            throw new IllegalArgumentException("storage timeouts must be positive: connect " + connect
                    + ", attempt " + attempt);
        }
    }

    /** {@link #DEFAULT} with the values the settings give. */
    public static StorageTimeouts fromSettings() {
        return new StorageTimeouts(setting(CONNECT_TIMEOUT_SETTING, DEFAULT.connect),
                setting(REQUEST_TIMEOUT_SETTING, DEFAULT.attempt));
    }

    private static Duration setting(String name, Duration fallback) {
        String value = StorageSettings.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return value.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(value))
                    : Duration.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + " must be a duration such as PT10S or whole seconds, got '"
                    + value + "'", e);
        }
    }
}
