package com.mantissa.stance.sync.azure;

import com.microsoft.azure.functions.ExecutionContext;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The {@link ExecutionContext} the Functions worker would pass, with a logger that keeps what the
 * function logged (all levels, as the worker forwards them to the host) instead of printing it.
 */
final class RecordingExecutionContext implements ExecutionContext {

    private final String functionName;
    private final String invocationId = UUID.randomUUID().toString();
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    RecordingExecutionContext(String functionName) {
        this.functionName = functionName;
        // An anonymous logger: not registered globally, no parent handlers printing to stderr.
        this.logger = Logger.getAnonymousLogger();
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.ALL);
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public Logger getLogger() {
        return logger;
    }

    @Override
    public String getInvocationId() {
        return invocationId;
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** Messages logged at exactly {@code level}, suppliers resolved. */
    List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage)
                .collect(Collectors.toList());
    }
}
