package com.mantissa.stance.sync.formats;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Producer severities as Stance's critical/high/medium/low/info. */
final class Severities {
    private Severities() {
    }

    private static final Map<String, String> OCSF_NAMES = Map.of("informational", "info", "low", "low",
            "medium", "medium", "high", "high", "critical", "critical", "fatal", "critical",
            "unknown", "info", "other", "info");
    private static final List<String> OCSF_BY_ID = List.of("unknown", "informational", "low", "medium", "high",
            "critical", "fatal");

    /**
     * OCSF {@code severity_id} (0-6, 99), else the {@code severity} caption. Unknown (0), Other
     * (99) and a missing severity become {@code info} with a warning, Fatal becomes {@code critical}.
     */
    static String ocsf(Map<String, Object> e, List<String> warnings) {
        Long id = Values.integer(e, "severity_id");
        String name;
        String field;
        if (id != null) {
            field = "severity_id";
            if (id == 99) {
                name = "other";
            } else if (id >= 0 && id < OCSF_BY_ID.size()) {
                name = OCSF_BY_ID.get(id.intValue());
            } else {
                throw new MappingException("severity_id", id, "expected 0-6 or 99");
            }
        } else {
            String text = Values.string(e, "severity");
            if (text == null) {
                warnings.add("no severity_id or severity: mapped to info");
                return "info";
            }
            field = "severity";
            name = text.trim().toLowerCase(Locale.ROOT);
            if (!OCSF_NAMES.containsKey(name)) {
                throw new MappingException("severity", text, "expected Informational, Low, Medium, High, Critical, "
                        + "Fatal, Unknown or Other");
            }
        }
        if (name.equals("unknown") || name.equals("other")) {
            warnings.add(field + " " + (id != null ? id : "'" + Values.string(e, "severity") + "'")
                    + " (" + name + "): mapped to info");
        }
        return OCSF_NAMES.get(name);
    }

    /**
     * ASFF {@code Severity.Label} (INFORMATIONAL → info), else the deprecated
     * {@code Severity.Normalized} by Security Hub's ranges (0, 1-39, 40-69, 70-89, 90-100);
     * neither is {@code info} with a warning.
     */
    static String asff(Map<String, Object> f, List<String> warnings) {
        String label = Values.string(f, "Severity.Label");
        if (label != null) {
            String l = label.trim().toLowerCase(Locale.ROOT);
            return switch (l) {
                case "informational" -> "info";
                case "low", "medium", "high", "critical" -> l;
                default -> throw new MappingException("Severity.Label", label,
                        "expected INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL");
            };
        }
        Long normalized = Values.integer(f, "Severity.Normalized");
        if (normalized == null) {
            warnings.add("no Severity.Label or Severity.Normalized: mapped to info");
            return "info";
        }
        if (normalized < 0 || normalized > 100) {
            throw new MappingException("Severity.Normalized", normalized, "expected 0-100");
        }
        return normalized == 0 ? "info" : normalized < 40 ? "low" : normalized < 70 ? "medium"
                : normalized < 90 ? "high" : "critical";
    }
}
