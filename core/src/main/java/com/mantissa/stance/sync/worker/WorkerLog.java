package com.mantissa.stance.sync.worker;

import com.mantissa.stance.sync.engine.ResumablePush;
import com.mantissa.stance.sync.wire.CanonicalJson;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a {@link QueueWorker} writes its log: its own lines (one JSON object each) and the
 * function's lines for the events it handed on; a quiet worker keeps warnings and errors only.
 */
final class WorkerLog {
    private final PrintWriter out;
    private boolean quiet;

    WorkerLog(PrintWriter out) {
        this.out = out;
    }

    void quiet(boolean quiet) {
        this.quiet = quiet;
    }

    /** Whether a line of this severity is written: a quiet worker keeps warnings and errors only. */
    private boolean logs(String severity) {
        return !quiet || !(severity.equals("INFO") || severity.equals("DEBUG"));
    }

    /** A line the function wrote already, written as it is when its severity is kept. */
    void write(String severity, String line) {
        if (logs(severity)) {
            out.println(line);
            out.flush();
        }
    }

    /** A line of the worker's own, with the result and requests of {@code push} when there is one. */
    void line(String severity, String message, ResumablePush.Outcome push) {
        if (!logs(severity)) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("severity", severity);
        line.put("message", "stance-sync worker: " + message);
        if (push != null) {
            line.put("result", push.result().toMap());
            line.put("requests", push.requests().toMap());
        }
        out.println(CanonicalJson.writeUnsorted(line));
        out.flush();
    }
}
