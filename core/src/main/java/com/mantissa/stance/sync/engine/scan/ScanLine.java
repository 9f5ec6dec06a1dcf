package com.mantissa.stance.sync.engine.scan;

import java.util.Map;

/**
 * One record position of a scan file: either the parsed object or an error message that already
 * names the file and line ({@code "findings.jsonl line 7: ..."}).
 */
public record ScanLine(int lineNumber, Map<String, Object> object, String error) {
    public boolean isError() {
        return error != null;
    }
}
