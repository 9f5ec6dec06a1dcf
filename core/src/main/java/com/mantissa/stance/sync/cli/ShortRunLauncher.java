package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.storage.StorageLocation;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Runs a CLI started as a plain {@code java -jar stance-sync.jar ...} that names a bucket or
 * container in a child JVM that maps its classes from an application class-data archive
 * (AppCDS), and exits with the child's exit code. Most of a short CLI run goes to loading the
 * cloud SDK's classes; the archive holds them pre-parsed and pre-verified. The first run of a
 * command with this jar on this JVM writes the archive as it exits (about 19 MB, in the user's
 * cache folder) and later runs map it: an unchanged re-push of 12,000 records to S3 on moto took
 * 1.8–2.4 s in one JVM and 1.3–1.7 s in the child (docs/performance.md).
 *
 * <p>Nothing is second-guessed: a JVM started with any option of its own, or with
 * {@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS} or {@code _JAVA_OPTIONS} set, runs the CLI
 * itself, and so does one with {@code STANCE_SYNC_CHILD_JVM=0}. The child inherits stdin,
 * stdout and stderr, so {@code --json}, progress and exit codes are the same; it gets no
 * compiler options, because a long run needs C2 (C1 alone made a 320,000-record dry run twice
 * as slow).
 *
 * <p>The JVM maps an archive without checking its length, and a truncated one crashes it at
 * start. So an archive is written under a temporary name, checked by starting a JVM on it, and
 * only then renamed into place; an archive that a child crashed on is deleted.
 */
final class ShortRunLauncher {
    /** Set on the child, so that it runs the CLI itself. */
    static final String CHILD_PROPERTY = "stance.sync.child-jvm";
    /** {@code 0} runs the CLI in the JVM it was started in. */
    static final String SWITCH_VARIABLE = "STANCE_SYNC_CHILD_JVM";

    private static final List<String> JVM_OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
            "_JAVA_OPTIONS");
    /** Class data from the archive when it fits, silently: the JVM's messages would land in the CLI's output. */
    private static final List<String> CLASS_DATA_OPTIONS = List.of("-Xshare:auto", "-Xlog:cds*=off");
    /** An exit code from this on means the JVM died of a signal. */
    private static final int KILLED_BY_SIGNAL = 128;
    /** The exit code of a JVM that aborted on a fatal error, as one that cannot map its archive does. */
    private static final int JVM_FATAL_ERROR = 134;

    private final String java;
    private final Path jar;
    private final String mainClass;
    private final Path cacheFolder;
    private final String jvmIdentity;
    private final Redirect out;
    private final Redirect err;

    ShortRunLauncher(String java, Path jar, String mainClass, Path cacheFolder, String jvmIdentity, Redirect out,
                     Redirect err) {
        this.java = java;
        this.jar = jar;
        this.mainClass = mainClass;
        this.cacheFolder = cacheFolder;
        this.jvmIdentity = jvmIdentity;
        this.out = out;
        this.err = err;
    }

    /**
     * The launcher for this JVM, or empty when it should run the CLI itself: the run names no
     * cloud store, or this JVM is a child already, was started with options or not from a jar,
     * or is turned off.
     */
    static Optional<ShortRunLauncher> forThisJvm(String[] args, Map<String, String> env) {
        if (!namesACloudStore(args) || System.getProperty(CHILD_PROPERTY) != null
                || "0".equals(env.get(SWITCH_VARIABLE))
                || JVM_OPTION_VARIABLES.stream().anyMatch(env::containsKey)
                || Runtime.version().feature() < 13 || !isHotSpot()) {
            return Optional.empty();
        }
        ProcessHandle.Info self = ProcessHandle.current().info();
        Optional<String[]> arguments = self.arguments();
        Path jar = jarOfThisClass();
        // Plain `java -jar stance-sync.jar ...`: the first argument is -jar, so no JVM option came before it.
        if (self.command().isEmpty() || arguments.isEmpty() || arguments.get().length < 2
                || !arguments.get()[0].equals("-jar") || jar == null) {
            return Optional.empty();
        }
        String home = env.getOrDefault("XDG_CACHE_HOME", "");
        Path cache = home.isBlank() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(home);
        if (!cache.isAbsolute()) {
            return Optional.empty(); // no home to keep an archive in
        }
        return Optional.of(new ShortRunLauncher(self.command().get(), jar, StanceSyncCli.class.getName(),
                cache.resolve("stance-sync"),
                System.getProperty("java.home") + "|" + System.getProperty("java.vm.version"),
                Redirect.INHERIT, Redirect.INHERIT));
    }

    /**
     * Whether an argument ({@code --central URI} or {@code --central=URI}) is a location of a
     * bucket or container, as {@link StorageLocation} reads it: then the cloud SDK's classes are
     * most of what a short run loads. A run on folders alone loads few classes, and a second JVM
     * costs it more than the archive saves (an unchanged folder re-push: 0.80–0.94 s in one JVM,
     * 0.92–1.02 s in a child).
     */
    static boolean namesACloudStore(String[] args) {
        for (String arg : args) {
            String value = arg.startsWith("--") ? arg.substring(arg.indexOf('=') + 1) : arg;
            if (value.contains("://")) {
                try {
                    if (StorageLocation.parse(value).scheme() != StorageLocation.Scheme.FILE) {
                        return true;
                    }
                } catch (IllegalArgumentException notALocation) {
                    // The command reports it; it is no cloud store to load an SDK for.
                }
            }
        }
        return false;
    }

    /** The options the child gets are HotSpot's (OpenJDK's and its builds'); OpenJ9 has others. */
    private static boolean isHotSpot() {
        String vm = System.getProperty("java.vm.name", "");
        return vm.contains("Server VM") && !vm.contains("OpenJ9");
    }

    private static Path jarOfThisClass() {
        try {
            Path path = Path.of(StanceSyncCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(path) && path.toString().endsWith(".jar") ? path : null;
        } catch (Exception notAFile) {
            return null;
        }
    }

    /**
     * Runs the CLI with {@code args} in a child JVM and waits for it: its exit code, or empty
     * when there is no cache folder for an archive or no child could be started (then nothing
     * has run yet).
     */
    OptionalInt run(String[] args) {
        Path archive = archive();
        if (archive == null) {
            return OptionalInt.empty();
        }
        Path training = null;
        List<String> command = new ArrayList<>(List.of(java, "-D" + CHILD_PROPERTY + "=true"));
        command.addAll(CLASS_DATA_OPTIONS);
        if (Files.isReadable(archive)) {
            command.add("-XX:SharedArchiveFile=" + archive);
        } else if (args.length > 0 && !args[0].startsWith("-")) {
            // A command's run, not --version or --help: its classes are what later runs load.
            training = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            command.add("-XX:ArchiveClassesAtExit=" + training);
        }
        command.addAll(List.of("-cp", jar.toString(), mainClass));
        command.addAll(List.of(args));
        Process child;
        try {
            child = new ProcessBuilder(command).redirectInput(Redirect.INHERIT).redirectOutput(out).redirectError(err)
                    .start();
        } catch (IOException | RuntimeException cannotStart) {
            return OptionalInt.empty();
        }
        // Ended with this JVM (a SIGTERM or Ctrl-C to the parent), the child ends too.
        Thread stopChild = new Thread(() -> stop(child), "stance-sync-stop-child");
        Runtime.getRuntime().addShutdownHook(stopChild);
        int code = waitFor(child);
        try {
            Runtime.getRuntime().removeShutdownHook(stopChild);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway, and finds the child gone.
        }
        if (code == JVM_FATAL_ERROR && training == null) {
            deleteQuietly(archive); // it may be what the JVM crashed on: the next run writes a new one
        }
        if (training != null) {
            keepIfUsable(training, archive, code);
        }
        return OptionalInt.of(code);
    }

    /** Where the archive for this jar on this JVM is, or null when there is no cache folder to keep it in. */
    Path archive() {
        try {
            Files.createDirectories(cacheFolder);
            if (!Files.isWritable(cacheFolder)) {
                return null;
            }
            String key = jar.toAbsolutePath() + "|" + Files.size(jar) + "|" + Files.getLastModifiedTime(jar).toMillis()
                    + "|" + jvmIdentity;
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return cacheFolder.resolve("cli-" + HexFormat.of().formatHex(digest, 0, 8) + ".jsa");
        } catch (IOException | NoSuchAlgorithmException | RuntimeException noCache) {
            return null;
        }
    }

    /**
     * Renames the archive a run wrote into place once a JVM has started on it, and removes the
     * archives of other builds; deletes it otherwise.
     */
    void keepIfUsable(Path training, Path archive, int code) {
        try {
            if (code < KILLED_BY_SIGNAL && Files.size(training) > 0 && startsOn(training)) {
                Files.move(training, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                removeOtherArchives(archive);
            }
        } catch (IOException | RuntimeException keptNothing) {
            // The next run writes the archive again.
        } finally {
            deleteQuietly(training);
        }
    }

    /** Whether a JVM starts on {@code archive}: a truncated one crashes it. */
    private boolean startsOn(Path archive) throws IOException {
        // A JVM that crashes on the archive writes no crash report where the user works.
        String nowhere = System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null";
        // -version: the JVM maps the archive as it starts, then prints its version and exits.
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(CLASS_DATA_OPTIONS);
        command.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-XX:ErrorFile=" + nowhere, "-cp", jar.toString(),
                "-version"));
        Process check = new ProcessBuilder(command).redirectInput(Redirect.PIPE).redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD).start();
        return waitFor(check) == 0;
    }

    private void removeOtherArchives(Path keep) {
        try (DirectoryStream<Path> archives = Files.newDirectoryStream(cacheFolder, "cli-*.jsa")) {
            for (Path other : archives) {
                if (!other.equals(keep)) {
                    deleteQuietly(other);
                }
            }
        } catch (IOException | RuntimeException leftBehind) {
            // Old archives only take space; a later run tries again.
        }
    }

    /** The process's exit code; an interrupt does not end the wait (the child's exit ends this JVM), but is kept. */
    private static int waitFor(Process process) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return process.waitFor();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void stop(Process child) {
        if (child.isAlive()) {
            child.destroy();
            try {
                child.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException | RuntimeException stays) {
            // Harmless: a leftover temporary archive is never used.
        }
    }
}
