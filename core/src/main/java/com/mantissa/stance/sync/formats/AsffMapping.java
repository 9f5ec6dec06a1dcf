package com.mantissa.stance.sync.formats;

import static com.mantissa.stance.sync.formats.OcsfMapping.putIfPresent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AWS Security Finding Format findings (Security Hub, Prowler's ASFF output) as Stance findings
 * and assets. docs/formats.md lists the mapping field by field.
 */
final class AsffMapping {
    MappedElement map(Map<String, Object> f) {
        String id = Values.string(f, "Id");
        if (id == null || id.isEmpty()) {
            throw new MappingException("Id", id, "expected a non-empty string");
        }
        List<String> warnings = new ArrayList<>();
        List<Object> resources = Values.list(f, "Resources");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        String assetId = resources.isEmpty() ? null : resourceId(resources.get(0), 0);
        putIfPresent(out, "asset_id", assetId);
        Map<String, Object> vulnerability = Values.firstObject(f, "Vulnerabilities");
        if (vulnerability != null) {
            out.put("finding_type", "vulnerability");
        }
        out.put("severity", Severities.asff(f, warnings));
        out.put("status", status(f));
        putIfPresent(out, "title", Values.string(f, "Title"));
        putIfPresent(out, "description", Values.string(f, "Description"));
        putIfPresent(out, "first_seen", ProducerTimes.firstText(f, "FirstObservedAt", "CreatedAt"));
        String lastSeen = ProducerTimes.firstText(f, "LastObservedAt", "UpdatedAt");
        putIfPresent(out, "last_seen", lastSeen);
        String control = Values.string(f, "Compliance.SecurityControlId");
        putIfPresent(out, "rule_id", control != null ? control : Values.string(f, "GeneratorId"));
        if (vulnerability != null) {
            putIfPresent(out, "cve_id", Values.string(vulnerability, "Id"));
            Map<String, Object> cvss = Values.firstObject(vulnerability, "Cvss");
            if (cvss != null) {
                putIfPresent(out, "cvss_score", Values.number(cvss, "BaseScore"));
            }
            Map<String, Object> pkg = Values.firstObject(vulnerability, "VulnerablePackages");
            if (pkg != null) {
                putIfPresent(out, "package_name", Values.string(pkg, "Name"));
                putIfPresent(out, "installed_version", Values.string(pkg, "Version"));
                putIfPresent(out, "fixed_version", Values.string(pkg, "FixedInVersion"));
            }
        }
        List<String> requirements = new ArrayList<>();
        for (Object r : Values.list(f, "Compliance.RelatedRequirements")) {
            if (!(r instanceof String s)) {
                throw new MappingException("Compliance.RelatedRequirements", r, "expected a string");
            }
            requirements.add(s);
        }
        if (!requirements.isEmpty()) {
            out.put("compliance_frameworks", requirements);
        }
        putIfPresent(out, "remediation_guidance", Values.string(f, "Remediation.Recommendation.Text"));

        List<Map<String, Object>> assets = new ArrayList<>();
        for (int i = 0; i < resources.size(); i++) {
            String resourceId = resourceId(resources.get(i), i);
            if (resourceId == null) {
                warnings.add("Resources[" + i + "] has no Id: no asset");
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) resources.get(i);
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("id", resourceId);
            String region = Values.string(r, "Region");
            putIfPresent(a, "region", region != null ? region : Values.string(f, "Region"));
            putIfPresent(a, "resource_type", Values.string(r, "Type"));
            Map<String, Object> tags = Values.object(r, "Tags");
            if (tags != null) {
                a.put("tags", new LinkedHashMap<>(tags));
            }
            putIfPresent(a, "last_seen", lastSeen);
            assets.add(a);
        }
        return new MappedElement(out, assets, Values.string(f, "AwsAccountId"), "AwsAccountId", warnings);
    }

    /**
     * First match wins: RecordState ARCHIVED → resolved; Workflow.Status SUPPRESSED →
     * suppressed; Workflow.Status RESOLVED → resolved; Compliance.Status PASSED → resolved;
     * otherwise open.
     */
    static String status(Map<String, Object> f) {
        if ("ARCHIVED".equalsIgnoreCase(trim(Values.string(f, "RecordState")))) {
            return "resolved";
        }
        String workflow = trim(Values.string(f, "Workflow.Status"));
        if ("SUPPRESSED".equalsIgnoreCase(workflow)) {
            return "suppressed";
        }
        if ("RESOLVED".equalsIgnoreCase(workflow)) {
            return "resolved";
        }
        if ("PASSED".equalsIgnoreCase(trim(Values.string(f, "Compliance.Status")))) {
            return "resolved";
        }
        return "open";
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    private static String resourceId(Object resource, int i) {
        if (!(resource instanceof Map<?, ?> r)) {
            throw new MappingException("Resources[" + i + "]", resource, "expected an object");
        }
        Object id = r.get("Id");
        if (id == null || (id instanceof String s && s.isEmpty())) {
            return null;
        }
        if (!(id instanceof String)) {
            throw new MappingException("Resources[" + i + "].Id", id, "expected a string");
        }
        return (String) id;
    }
}
