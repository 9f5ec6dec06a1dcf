package com.mantissa.stance.sync.formats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * OCSF Detection Finding (class 2004) and Compliance Finding (class 2003) events as Stance
 * findings and assets, as Prowler writes them. docs/formats.md lists the mapping field by field.
 */
final class OcsfMapping {
    static final long DETECTION_FINDING = 2004;
    static final long COMPLIANCE_FINDING = 2003;

    private final FindingIds ids = new FindingIds();

    MappedElement map(Map<String, Object> e) {
        Long cls = Values.integer(e, "class_uid");
        if (cls == null || (cls != DETECTION_FINDING && cls != COMPLIANCE_FINDING)) {
            throw new MappingException("class_uid", cls,
                    "expected 2004 (Detection Finding) or 2003 (Compliance Finding)");
        }
        if (Values.object(e, "finding_info") == null) {
            throw new MappingException("finding_info", null, "missing");
        }
        String uid = Values.string(e, "finding_info.uid");
        if (uid == null || uid.isEmpty()) {
            throw new MappingException("finding_info.uid", uid, "expected a non-empty string");
        }
        List<String> warnings = new ArrayList<>();
        List<Map<String, Object>> resources = resources(e);
        String resourceUid = resources.isEmpty() ? null : resourceUid(resources.get(0), 0);
        String check = Values.string(e, "metadata.event_code");
        String producer = Values.string(e, "metadata.product.uid");
        if (producer == null) {
            producer = Values.string(e, "metadata.product.name");
        }

        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", ids.idFor(uid, producer, check, resourceUid));
        putIfPresent(f, "asset_id", resourceUid);
        Map<String, Object> vulnerability = Values.firstObject(e, "vulnerabilities");
        if (vulnerability != null) {
            f.put("finding_type", "vulnerability");
        }
        String severity = Severities.ocsf(e, warnings);
        String status = status(e, cls, warnings);
        if (status.equals(MANUAL)) {
            warnings.add("status_code MANUAL: mapped to open with severity info (was " + severity + ")");
            status = "open";
            severity = "info";
        }
        f.put("severity", severity);
        f.put("status", status);
        putIfPresent(f, "title", Values.string(e, "finding_info.title"));
        putIfPresent(f, "description", Values.string(e, "finding_info.desc"));
        String lastSeen = ProducerTimes.ocsf(e, "finding_info.last_seen_time", "time", "finding_info.modified_time");
        putIfPresent(f, "first_seen", ProducerTimes.ocsf(e, "finding_info.first_seen_time",
                "finding_info.created_time", "time"));
        putIfPresent(f, "last_seen", lastSeen);
        putIfPresent(f, "rule_id", check);
        if (vulnerability != null) {
            vulnerabilityFields(vulnerability, f);
        }
        List<String> frameworks = frameworks(e);
        if (!frameworks.isEmpty()) {
            f.put("compliance_frameworks", frameworks);
        }
        putIfPresent(f, "remediation_guidance", Values.string(e, "remediation.desc"));

        List<Map<String, Object>> assets = new ArrayList<>();
        for (int i = 0; i < resources.size(); i++) {
            Map<String, Object> r = resources.get(i);
            String id = resourceUid(r, i);
            if (id == null) {
                warnings.add("resources[" + i + "] has no uid: no asset");
                continue;
            }
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("id", id);
            String region = Values.string(r, "region");
            putIfPresent(a, "region", region != null ? region : Values.string(e, "cloud.region"));
            putIfPresent(a, "resource_type", Values.string(r, "type"));
            putIfPresent(a, "name", Values.string(r, "name"));
            Map<String, Object> tags = tags(r, i);
            if (tags != null) {
                a.put("tags", tags);
            }
            putIfPresent(a, "last_seen", lastSeen);
            assets.add(a);
        }
        return new MappedElement(f, assets, account(e), "cloud.account.uid", warnings);
    }

    /** Marks a MANUAL result until its severity is known; never leaves this class. */
    private static final String MANUAL = "manual";

    /**
     * Suppressed ({@code status_id} 3 or status "Suppressed", as Prowler marks muted results)
     * wins; then {@code status_code} FAIL/PASS/MANUAL; without one, a Compliance Finding's
     * {@code compliance.status_id}/{@code status} (Pass, Fail, Warning taken as MANUAL); else
     * {@code status_id} Resolved, Archived or Deleted (4-6) is resolved and anything else open.
     */
    private static String status(Map<String, Object> e, long cls, List<String> warnings) {
        Long statusId = Values.integer(e, "status_id");
        String statusText = Values.string(e, "status");
        if ((statusId != null && statusId == 3) || "suppressed".equalsIgnoreCase(trim(statusText))) {
            return "suppressed";
        }
        String code = Values.string(e, "status_code");
        if (code != null) {
            return switch (code.trim().toUpperCase(Locale.ROOT)) {
                case "FAIL" -> "open";
                case "PASS" -> "resolved";
                case "MANUAL" -> MANUAL;
                default -> throw new MappingException("status_code", code, "expected FAIL, PASS or MANUAL");
            };
        }
        if (cls == COMPLIANCE_FINDING) {
            Long complianceId = Values.integer(e, "compliance.status_id");
            String complianceText = trim(Values.string(e, "compliance.status"));
            if ((complianceId != null && complianceId == 1) || "pass".equalsIgnoreCase(complianceText)) {
                return "resolved";
            }
            if ((complianceId != null && complianceId == 3) || "fail".equalsIgnoreCase(complianceText)) {
                return "open";
            }
            if ((complianceId != null && complianceId == 2) || "warning".equalsIgnoreCase(complianceText)) {
                return MANUAL;
            }
        }
        if (statusId != null && statusId >= 4 && statusId <= 6) {
            return "resolved";
        }
        if (statusId == null && statusText == null) {
            warnings.add("no status_code or status: mapped to open");
        }
        return "open";
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    /** {@code resources}, else a Compliance Finding's deprecated single {@code resource}. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> resources(Map<String, Object> e) {
        List<Object> list = Values.list(e, "resources");
        if (list.isEmpty() && Values.object(e, "resource") != null) {
            list = List.of(Values.object(e, "resource"));
        }
        List<Map<String, Object>> result = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map)) {
                throw new MappingException("resources[" + i + "]", list.get(i), "expected an object");
            }
            result.add((Map<String, Object>) list.get(i));
        }
        return result;
    }

    private static String resourceUid(Map<String, Object> r, int i) {
        Object uid = r.get("uid");
        if (uid == null || (uid instanceof String s && s.isEmpty())) {
            return null;
        }
        if (!(uid instanceof String)) {
            throw new MappingException("resources[" + i + "].uid", uid, "expected a string");
        }
        return (String) uid;
    }

    /** OCSF tags are {@code [{"name": ..., "value": ...}]}; null when there are none. */
    private static Map<String, Object> tags(Map<String, Object> r, int i) {
        List<Object> list = Values.list(r, "tags");
        if (list.isEmpty()) {
            return null;
        }
        Map<String, Object> tags = new LinkedHashMap<>();
        for (Object t : list) {
            if (!(t instanceof Map<?, ?> m) || !(m.get("name") instanceof String name)) {
                throw new MappingException("resources[" + i + "].tags", t, "expected {\"name\": ..., \"value\": ...}");
            }
            tags.put(name, m.get("value"));
        }
        return tags;
    }

    /**
     * {@code unmapped.compliance} as Prowler writes it, {@code {"<framework>": ["<requirement>", ...]}},
     * as {@code "<framework> <requirement>"} entries in order (a framework without requirements
     * alone); without it, a Compliance Finding's {@code compliance.standards}, each followed by
     * {@code compliance.control} when there is one.
     */
    private static List<String> frameworks(Map<String, Object> e) {
        Set<String> result = new LinkedHashSet<>();
        Map<String, Object> compliance = Values.object(e, "unmapped.compliance");
        if (compliance != null) {
            for (Map.Entry<String, Object> entry : compliance.entrySet()) {
                Object reqs = entry.getValue();
                List<?> list = reqs instanceof List<?> l ? l : reqs == null ? List.of() : List.of(reqs);
                if (list.isEmpty()) {
                    result.add(entry.getKey());
                }
                for (Object req : list) {
                    if (!(req instanceof String) && !(req instanceof Long)) {
                        throw new MappingException("unmapped.compliance." + entry.getKey(), reqs,
                                "expected requirement ids");
                    }
                    result.add(entry.getKey() + " " + req);
                }
            }
            return new ArrayList<>(result);
        }
        String control = Values.string(e, "compliance.control");
        for (Object standard : Values.list(e, "compliance.standards")) {
            if (!(standard instanceof String s)) {
                throw new MappingException("compliance.standards", standard, "expected a string");
            }
            result.add(control == null ? s : s + " " + control);
        }
        return new ArrayList<>(result);
    }

    /** CVE, CVSS base score and package of the first vulnerability, when given. */
    private static void vulnerabilityFields(Map<String, Object> v, Map<String, Object> f) {
        putIfPresent(f, "cve_id", Values.string(v, "cve.uid"));
        Map<String, Object> cvss = Values.firstObject(v, "cve.cvss");
        if (cvss != null) {
            putIfPresent(f, "cvss_score", Values.number(cvss, "base_score"));
        }
        Map<String, Object> pkg = Values.firstObject(v, "affected_packages");
        if (pkg == null) {
            pkg = Values.firstObject(v, "packages");
        }
        if (pkg != null) {
            putIfPresent(f, "package_name", Values.string(pkg, "name"));
            putIfPresent(f, "installed_version", Values.string(pkg, "version"));
            putIfPresent(f, "fixed_version", Values.string(pkg, "fixed_in_version"));
        }
    }

    private static String account(Map<String, Object> e) {
        Object uid = Values.at(e, "cloud.account.uid");
        return uid == null ? null : uid instanceof Long ? uid.toString() : Values.string(e, "cloud.account.uid");
    }

    static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
