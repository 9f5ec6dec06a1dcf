package com.mantissa.stance.sync.settings;

/**
 * A setting that is missing or has a value it cannot take, naming the setting (its environment
 * variable or its flag, whichever was given) and the value. No retry can fix it: the CLI and the
 * worker exit 2 with it, a function logs it as one line.
 */
public class ConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
