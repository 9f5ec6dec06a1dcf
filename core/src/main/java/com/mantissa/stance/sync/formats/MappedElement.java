package com.mantissa.stance.sync.formats;

import java.util.List;
import java.util.Map;

/**
 * What one producer element maps to: the raw finding, one raw asset per resource it names
 * (without {@code cloud_provider} and {@code account_id}, which the push's account gives), the
 * account the element itself names (null when it names none) and the source field it came from,
 * and warnings about documented fallbacks.
 */
record MappedElement(Map<String, Object> finding, List<Map<String, Object>> assets, String account,
                     String accountField, List<String> warnings) {
}
