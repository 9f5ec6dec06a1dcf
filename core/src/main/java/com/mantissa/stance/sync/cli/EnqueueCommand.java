package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.function.SourceSpec;
import com.mantissa.stance.sync.function.WorkMessages;
import com.mantissa.stance.sync.queue.WorkQueue;
import com.mantissa.stance.sync.queue.WorkQueues;
import com.mantissa.stance.sync.storage.Stores;
import com.mantissa.stance.sync.worker.SourcesFile;
import com.mantissa.stance.sync.settings.ConfigurationException;
import com.mantissa.stance.sync.storage.NotFoundException;
import com.mantissa.stance.sync.storage.StorageException;
import com.mantissa.stance.sync.storage.StorageLocation;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stance-sync enqueue}: one work message per source of a sources file. */
@Command(name = "enqueue", mixinStandardHelpOptions = true,
        description = "Send one work message per source of a sources file (JSON Lines: location, account, "
                + "provider) to a queue, for workers to push.")
final class EnqueueCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--sources", required = true, paramLabel = "FILE",
            description = "The sources file: a local path or a store location (s3://, gs://, az://).")
    String sources;

    @Option(names = "--queue", required = true, paramLabel = "QUEUE", description = "The queue: " + WorkQueues.FORMS + ".")
    String queueUri;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SourcesFile.Contents contents;
        try (Stores stores = new Stores()) {
            contents = SourcesFile.read(stores, sources);
        } catch (UncheckedIOException | StorageException e) {
            // Nothing was sent: a file to fix, not a run to retry.
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            String why = cause instanceof NoSuchFileException || e instanceof NotFoundException ? "no such file"
                    : cause.getMessage();
            throw new ConfigurationException("--sources: " + StorageLocation.redact(sources) + " cannot be read ("
                    + why + "); nothing sent", e);
        }
        contents.errors().forEach(e -> err.println("stance-sync: " + e));
        int sent = 0;
        try (WorkQueue queue = WorkQueues.open(queueUri)) {
            for (SourceSpec source : contents.sources()) {
                queue.send(WorkMessages.source(source, 0));
                sent++;
            }
        }
        out.println("{\"sent\": " + sent + ", \"errors\": " + contents.errors().size() + "}");
        out.flush();
        return contents.errors().isEmpty() ? 0 : 1;
    }
}
