package com.mantissa.stance.sync.testing;

import com.mantissa.stance.sync.cli.StanceSyncCli;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/**
 * Runs the CLI in this JVM and captures what it printed: the fast way for tests that need
 * neither real environment variables nor a process exit code (for those, {@link CliProcess}).
 */
public final class CliRunner {

    /** What one run printed and returned. */
    public record Result(int exitCode, String out, String err) {
        /** Stdout as the one JSON object that {@code --json} promises; fails if it is anything else. */
        public Map<String, Object> json() {
            return JsonParser.parseObject(out.strip());
        }
    }

    private CliRunner() {
    }

    /** Runs {@code stance-sync args...}. */
    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = StanceSyncCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }
}
