package com.mantissa.stance.sync.storage;

import com.mantissa.stance.sync.settings.ConfigurationException;
import com.mantissa.stance.sync.settings.Setting;
import com.mantissa.stance.sync.settings.Settings;
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
 * (durations such as {@code 10s} or {@code PT10S}; system property first, then environment),
 * read when a process-wide client is first built.
 */
public record StorageTimeouts(Duration connect, Duration attempt) {

    public static final String CONNECT_TIMEOUT_SETTING = Settings.CONNECT_TIMEOUT.env();
    public static final String REQUEST_TIMEOUT_SETTING = Settings.REQUEST_TIMEOUT.env();

    /** 5 s to connect (a loopback or in-region endpoint connects in milliseconds), 30 s a request. */
    public static final StorageTimeouts DEFAULT = new StorageTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30));

    public StorageTimeouts {
        if (connect == null || attempt == null || connect.isNegative() || connect.isZero() || attempt.isNegative()
                || attempt.isZero()) {
            throw new IllegalArgumentException("storage timeouts must be positive: connect " + connect
                    + ", attempt " + attempt);
        }
    }

    /**
     * {@link #DEFAULT} with the values the settings give (a JVM system property of the setting's
     * name first, then the environment variable), in the one duration syntax of every setting.
     *
     * @throws ConfigurationException naming the setting and its value when it is not a positive duration
     */
    public static StorageTimeouts fromSettings() {
        return new StorageTimeouts(setting(Settings.CONNECT_TIMEOUT), setting(Settings.REQUEST_TIMEOUT));
    }

    private static Duration setting(Setting<Duration> setting) {
        String value = StorageSettings.get(setting.env());
        Duration d = value == null ? setting.defaultValue() : setting.parse(value, setting.env());
        if (d.isZero()) {
            throw new ConfigurationException(setting.env() + ": must be longer than 0, got '" + value + "'");
        }
        return d;
    }
}
