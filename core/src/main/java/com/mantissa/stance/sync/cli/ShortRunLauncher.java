package com.mantissa.stance.sync.cli;

import com.mantissa.stance.sync.storage.StorageLocation;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * Runs a CLI started as a plain {@code java -jar stance-sync.jar ...} that names a bucket or
 * container in a child JVM that maps its classes from an application class-data archive
 * (AppCDS), and exits with the child's exit code. Most of a short CLI run goes to loading the
 * cloud SDK's classes; the archive holds them pre-parsed and pre-verified. The first run of a
 * command with this jar on this JVM writes the archive as it exits (about 19 MB, in the user's
 * cache folder) and later runs map it: an unchanged re-push of 12,000 records to S3 on moto took
 * 1.8–2.4 s in one JVM and 1.3–1.7 s in the child (docs/performance.md). On Java 25 and later
 * the child keeps an ahead-of-time cache instead, which also holds the classes linked and the
 * methods' profiles: the same re-push, in one JVM with the cache, took a median of 0.65 s against
 * 0.94 s with Java 25's class-data archive.
 *
 * <p>Nothing is second-guessed: a JVM started with any option of its own, or with
 * {@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS} or {@code _JAVA_OPTIONS} set, runs the CLI
 * itself, and so does one with {@code STANCE_SYNC_CHILD_JVM=0}. The child inherits stdin,
 * stdout and stderr, so {@code --json}, progress and exit codes are the same; it gets no
 * compiler options, because a long run needs C2 (C1 alone made a 320,000-record dry run twice
 * as slow).
 *
 * <p>The JVM maps an archive without checking it, and a truncated or corrupted one crashes it at
 * start, with its crash banner on stdout. So an archive is written under a temporary name,
 * checked by starting a JVM on it, and only then renamed into place under a name that carries its
 * CRC-32; before each use the launcher checks the file against that CRC and maps nothing that
 * differs (20 ms for 20 MB; a JVM started on it takes 40–70 ms), and an archive a child crashed
 * on is deleted. A child's crash report goes to the cache folder, not where the user works.
 *
 * <p>Archives are named by the jar (path, size, modification time) and the JVM (home, version):
 * jars sharing the cache keep their own; a new build of a jar replaces its archive. A temporary
 * archive whose run is gone is removed by the next run. The child ends when its parent does, even
 * one killed with SIGKILL ({@link ParentProcessWatch}).
 */
final class ShortRunLauncher {
    /** Set on the child, to the parent's process id, so that it runs the CLI itself and watches its parent. */
    static final String CHILD_PROPERTY = "stance.sync.child-jvm";
    /** {@code 0} runs the CLI in the JVM it was started in. */
    static final String SWITCH_VARIABLE = "STANCE_SYNC_CHILD_JVM";
    /** The exit code of a child whose parent is gone, as of one ended by SIGTERM. */
    static final int PARENT_GONE = 143;

    private static final List<String> JVM_OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
            "_JAVA_OPTIONS");
    /** Class data from the archive when it fits, silently: the JVM's messages would land in the CLI's output. */
    private static final List<String> CLASS_DATA_OPTIONS = List.of("-Xshare:auto", "-Xlog:cds*=off");
    /** The same for an ahead-of-time cache, which takes no -Xshare and is used only where it fits anyway. */
    private static final List<String> AOT_CACHE_OPTIONS = List.of("-Xlog:cds*=off", "-Xlog:aot*=off");
    /** The first JVM release whose ahead-of-time cache records a training run and is made afterwards. */
    static final int AOT_CACHE_RELEASE = 25;
    /** An exit code from this on means the JVM died of a signal. */
    private static final int KILLED_BY_SIGNAL = 128;
    /** The exit code of a JVM that aborted on a fatal error, as one that cannot map its archive does. */
    private static final int JVM_FATAL_ERROR = 134;
    private static final String ARCHIVE_SUFFIX = ".jsa";
    private static final String TEMPORARY_SUFFIX = ".tmp";
    /** An archive no run has used this long (another jar's, long gone) is removed. */
    static final Duration UNUSED_ARCHIVE_LIFETIME = Duration.ofDays(30);
    /** A used archive's modification time is moved on at most this often, to mark it as in use. */
    private static final Duration USE_MARK_INTERVAL = Duration.ofDays(1);

    private final String java;
    private final Path jar;
    private final String mainClass;
    private final Path cacheFolder;
    private final String jvmIdentity;
    private final boolean aotCache;
    private final Redirect out;
    private final Redirect err;

    /**
     * @param aotCache whether {@code java} makes ahead-of-time caches ({@link #AOT_CACHE_RELEASE}
     *                 and later): they hold the classes linked, and method profiles, as well as
     *                 parsed; else a dynamic class-data archive
     */
    ShortRunLauncher(String java, Path jar, String mainClass, Path cacheFolder, String jvmIdentity, boolean aotCache,
                     Redirect out, Redirect err) {
        this.java = java;
        this.aotCache = aotCache;
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
                Runtime.version().feature() >= AOT_CACHE_RELEASE, Redirect.INHERIT, Redirect.INHERIT));
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
        String key = archiveKey();
        if (key == null) {
            return OptionalInt.empty();
        }
        Path archive = intactArchive(key);
        long self = ProcessHandle.current().pid();
        Path training = null;
        Path configuration = null;
        List<String> command = new ArrayList<>(List.of(java, "-D" + CHILD_PROPERTY + "=" + self));
        command.addAll(aotCache ? AOT_CACHE_OPTIONS : CLASS_DATA_OPTIONS);
        // A crash report goes where the archives are, not into the folder the user works in.
        command.add("-XX:ErrorFile=" + cacheFolder.resolve("hs_err_pid%p.log"));
        if (archive != null) {
            command.add(mapping(archive));
        } else if (args.length > 0 && !args[0].startsWith("-")) {
            // A command's run, not --version or --help: its classes are what later runs load.
            training = cacheFolder.resolve(key + ARCHIVE_SUFFIX + "." + self + TEMPORARY_SUFFIX);
            if (aotCache) {
                // Recorded now, made after the run. The JVM prints where it recorded to stdout
                // whatever the logging says, so its own output is off for this run.
                configuration = cacheFolder.resolve(key + ".config." + self + TEMPORARY_SUFFIX);
                command.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-DisplayVMOutput",
                        "-XX:AOTMode=record", "-XX:AOTConfiguration=" + configuration));
            } else {
                command.add("-XX:ArchiveClassesAtExit=" + training);
            }
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
        if (code == JVM_FATAL_ERROR && archive != null) {
            deleteQuietly(archive); // it may be what the JVM crashed on: the next run writes a new one
        }
        if (configuration != null) {
            if (code < KILLED_BY_SIGNAL) {
                makeCache(configuration, training);
            }
            deleteQuietly(configuration);
        }
        if (training != null) {
            keepIfUsable(training, key, code);
        }
        return OptionalInt.of(code);
    }

    /** The option that maps {@code archive} in a JVM. */
    private String mapping(Path archive) {
        return (aotCache ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive;
    }

    /** Makes the ahead-of-time cache {@code cache} from a training run's {@code configuration}; its output is nobody's. */
    private void makeCache(Path configuration, Path cache) {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(AOT_CACHE_OPTIONS);
        command.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + configuration, "-XX:AOTCache=" + cache,
                "-cp", jar.toString()));
        try {
            Process make = new ProcessBuilder(command).redirectInput(Redirect.PIPE).redirectOutput(Redirect.DISCARD)
                    .redirectError(Redirect.DISCARD).start();
            waitFor(make);
        } catch (IOException | RuntimeException noCache) {
            // Nothing is made: the training file stays empty or absent, and the next run trains again.
        }
    }

    /**
     * The name, without CRC and suffix, of the archive for this jar (path, size, modification
     * time) on this JVM, or null when there is no cache folder to keep it in: the hash of the
     * jar's path and the JVM, then the hash of the jar's build.
     */
    String archiveKey() {
        try {
            Files.createDirectories(cacheFolder);
            if (!Files.isWritable(cacheFolder)) {
                return null;
            }
            String build = Files.size(jar) + "|" + Files.getLastModifiedTime(jar).toMillis();
            return jarPrefix() + shortHash(build);
        } catch (IOException | NoSuchAlgorithmException | RuntimeException noCache) {
            return null;
        }
    }

    /** How the names of the archives of this jar's path on this JVM start, whatever its build. */
    private String jarPrefix() throws NoSuchAlgorithmException {
        return "cli-" + shortHash(jar.toAbsolutePath() + "|" + jvmIdentity) + "-";
    }

    private static String shortHash(String text) throws NoSuchAlgorithmException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 8);
    }

    /**
     * The archive of {@code key} whose content matches the CRC in its name, or null; deletes the
     * ones that do not match, and the temporary archives of runs that are gone.
     */
    Path intactArchive(String key) {
        Path found = null;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(cacheFolder, "cli-*")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(TEMPORARY_SUFFIX)) {
                    if (writerIsGone(file)) {
                        deleteQuietly(file);
                    }
                } else if (found == null && name.startsWith(key + "-") && name.endsWith(ARCHIVE_SUFFIX)) {
                    String crc = name.substring(key.length() + 1, name.length() - ARCHIVE_SUFFIX.length());
                    if (crc.equals(crc32(file))) {
                        found = file;
                    } else {
                        deleteQuietly(file); // truncated or corrupted: mapping it would crash the JVM
                    }
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            return null; // the run goes without an archive
        }
        return found == null ? null : markInUse(found);
    }

    /**
     * Whether the run that named the temporary archive {@code file} (by its process id) is gone:
     * no process has that id, or the one that has it started after the file was written.
     */
    private static boolean writerIsGone(Path file) throws IOException {
        String name = file.getFileName().toString();
        String withoutSuffix = name.substring(0, name.length() - TEMPORARY_SUFFIX.length());
        long pid;
        try {
            pid = Long.parseLong(withoutSuffix.substring(withoutSuffix.lastIndexOf('.') + 1));
        } catch (NumberFormatException notOurs) {
            return false;
        }
        Instant written = Files.getLastModifiedTime(file).toInstant();
        return ProcessHandle.of(pid).map(writer -> writer.info().startInstant().map(written::isBefore).orElse(false))
                .orElse(true);
    }

    /** The CRC-32 of a file's content, in eight hex digits: read in blocks, never mapped (a shrinking file would fault). */
    static String crc32(Path file) throws IOException {
        CRC32 crc = new CRC32();
        ByteBuffer block = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel channel = FileChannel.open(file)) {
            while (channel.read(block) >= 0) {
                block.flip();
                crc.update(block);
                block.clear();
            }
        }
        return String.format("%08x", crc.getValue());
    }

    private static Path markInUse(Path archive) {
        try {
            Instant now = Instant.now();
            if (Files.getLastModifiedTime(archive).toInstant().isBefore(now.minus(USE_MARK_INTERVAL))) {
                Files.setLastModifiedTime(archive, FileTime.from(now));
            }
        } catch (IOException | RuntimeException unmarked) { // at worst removed as unused, and written again
        }
        return archive;
    }

    /**
     * Renames the archive a run wrote into place, its CRC in its name, once a JVM has started on
     * it, and removes this jar's archives of other builds and the archives no run has used for
     * long; deletes it otherwise.
     */
    void keepIfUsable(Path training, String key, int code) {
        try {
            if (code < KILLED_BY_SIGNAL && Files.size(training) > 0 && startsOn(training)) {
                Path archive = cacheFolder.resolve(key + "-" + crc32(training) + ARCHIVE_SUFFIX);
                Files.move(training, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                removeSupersededArchives(archive);
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
        List<String> command = new ArrayList<>(List.of(java, mapping(archive),
                "-XX:ErrorFile=" + nowhere, "-cp", jar.toString(), "-version"));
        command.addAll(1, aotCache ? AOT_CACHE_OPTIONS : CLASS_DATA_OPTIONS);
        Process check = new ProcessBuilder(command).redirectInput(Redirect.PIPE).redirectOutput(Redirect.DISCARD)
                .redirectError(Redirect.DISCARD).start();
        return waitFor(check) == 0;
    }

    /** Removes the archives of this jar's other builds on this JVM, and any archive unused for long. */
    private void removeSupersededArchives(Path keep) {
        Instant unusedSince = Instant.now().minus(UNUSED_ARCHIVE_LIFETIME);
        try (DirectoryStream<Path> archives = Files.newDirectoryStream(cacheFolder, "cli-*" + ARCHIVE_SUFFIX)) {
            String prefix = jarPrefix();
            for (Path other : archives) {
                if (!other.equals(keep) && (other.getFileName().toString().startsWith(prefix)
                        || Files.getLastModifiedTime(other).toInstant().isBefore(unusedSince))) {
                    deleteQuietly(other);
                }
            }
        } catch (IOException | NoSuchAlgorithmException | RuntimeException leftBehind) {
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
