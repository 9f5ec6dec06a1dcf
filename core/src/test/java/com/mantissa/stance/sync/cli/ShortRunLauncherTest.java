package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The child JVM a plain {@code java -jar} CLI run moves into, on a small jar compiled here
 * whose main class prints the JVM options it got and exits with the code it is given: the
 * same JVM and the same archive handling as the CLI's, in a few hundred milliseconds a run.
 */
@org.junit.jupiter.api.Tag("slow")
class ShortRunLauncherTest {
    /** Starts the child's parent watch as the CLI's main does; "wait" runs until the watch ends it. */
    private static final String MAIN = """
            package com.mantissa.stance.sync.cli;
            import java.lang.management.ManagementFactory;
            public class Probe {
                public static void main(String[] args) throws InterruptedException {
                    ParentProcessWatch.startIfChild();
                    System.out.println(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
                    System.out.println("args " + String.join(" ", args));
                    System.err.println("to stderr");
                    int code = Integer.parseInt(args[1]);
                    if (args[0].equals("halt")) {
                        Runtime.getRuntime().halt(code);
                    }
                    if (args[0].equals("wait")) {
                        System.out.println("waiting");
                        Thread.sleep(120_000);
                    }
                    System.exit(code);
                }
            }
            """;
    private static final String PROBE = "com.mantissa.stance.sync.cli.Probe";

    @TempDir
    Path dir;
    Path jar;
    Path cache;
    Path out;
    Path err;

    @BeforeEach
    void probeJar() throws Exception {
        Path source = dir.resolve("src/Probe.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, MAIN);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Path mainClasses = Path.of(ParentProcessWatch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertEquals(0, javac.run(null, null, null, "-cp", mainClasses.toString(), "-d",
                dir.resolve("classes").toString(), source.toString()));
        jar = dir.resolve("probe.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        String folder = "com/mantissa/stance/sync/cli/";
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream zip = new JarOutputStream(file, manifest)) {
            zip.putNextEntry(new JarEntry(folder + "Probe.class"));
            zip.write(Files.readAllBytes(dir.resolve("classes/" + folder + "Probe.class")));
            zip.closeEntry();
            zip.putNextEntry(new JarEntry(folder + "ParentProcessWatch.class"));
            zip.write(Files.readAllBytes(mainClasses.resolve(folder + "ParentProcessWatch.class")));
            zip.closeEntry();
        }
        cache = dir.resolve("cache/stance-sync");
        out = dir.resolve("out.txt");
        err = dir.resolve("err.txt");
    }

    ShortRunLauncher launcher() {
        return launcher(jar, cache, out, err);
    }

    static ShortRunLauncher launcher(Path jar, Path cache, Path out, Path err) {
        return new ShortRunLauncher(java(), jar, PROBE, cache, "test-jvm", false, Redirect.to(out.toFile()),
                Redirect.to(err.toFile()));
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A launcher in a JVM of its own, for a test to kill: jar, cache, stdout and stderr files, then the arguments. */
    public static void main(String[] args) {
        ShortRunLauncher launcher = launcher(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
        System.exit(launcher.run(Arrays.copyOfRange(args, 4, args.length)).orElse(-1));
    }

    String stdout() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    List<Path> cached() throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.sorted().toList();
        }
    }

    /** The one archive in the cache, named by the launcher's key and the CRC of its content. */
    Path theArchive(ShortRunLauncher launcher) throws IOException {
        List<Path> files = cached();
        assertEquals(1, files.size(), files.toString());
        Path archive = files.get(0);
        String name = archive.getFileName().toString();
        assertEquals(launcher.archiveKey() + "-" + ShortRunLauncher.crc32(archive) + ".jsa", name);
        return archive;
    }

    @Test
    void theFirstRunOfACommandWritesTheArchiveThatLaterRunsMap() throws IOException {
        ShortRunLauncher launcher = launcher();

        assertEquals(OptionalInt.of(3), launcher.run(new String[] {"push", "3"}));
        assertTrue(stdout().contains("-XX:ArchiveClassesAtExit="), stdout());
        assertTrue(stdout().contains("-D" + ShortRunLauncher.CHILD_PROPERTY + "=" + ProcessHandle.current().pid()),
                stdout());
        assertTrue(stdout().contains("-XX:ErrorFile=" + cache.resolve("hs_err_pid%p.log")),
                "a crash report goes to the cache, not the working folder: " + stdout());
        assertTrue(stdout().contains("args push 3"), stdout());
        assertEquals("to stderr", Files.readString(err).strip());
        Path archive = theArchive(launcher); // renamed into place; no temporary file left

        assertEquals(OptionalInt.of(0), launcher.run(new String[] {"push", "0"}));
        assertTrue(stdout().contains("-XX:SharedArchiveFile=" + archive), stdout());
        assertFalse(stdout().contains("ArchiveClassesAtExit"), stdout());
    }

    /**
     * On a JVM that makes ahead-of-time caches (the build image's Java 25), the first run records
     * its training, quietly, and the cache made from it is what later runs map.
     */
    @Test
    void onAJvmWithAheadOfTimeCachesTheFirstRunRecordsTheCacheThatLaterRunsMap() throws IOException {
        ShortRunLauncher launcher = new ShortRunLauncher(aheadOfTimeJava().toString(), jar, PROBE, cache, "test-jvm-25",
                true, Redirect.to(out.toFile()), Redirect.to(err.toFile()));

        assertEquals(OptionalInt.of(3), launcher.run(new String[] {"push", "3"}));
        assertTrue(stdout().contains("-XX:AOTMode=record"), stdout());
        assertTrue(stdout().contains("-XX:-DisplayVMOutput"), stdout());
        assertFalse(stdout().contains("AOTConfiguration recorded"), "the JVM's own lines stay out: " + stdout());
        assertEquals("to stderr", Files.readString(err).strip());
        Path archive = theArchive(launcher); // made, checked and renamed into place; the configuration is gone

        assertEquals(OptionalInt.of(0), launcher.run(new String[] {"push", "0"}));
        assertTrue(stdout().contains("-XX:AOTCache=" + archive), stdout());
        assertFalse(stdout().contains("AOTMode=record"), stdout());
        assertEquals(List.of(archive), cached());
    }

    /**
     * The {@code java} of {@code JAVA_25}, else of a JDK of {@link ShortRunLauncher#AOT_CACHE_RELEASE}
     * or later beside this one; the build image has one.
     */
    static Path aheadOfTimeJava() throws IOException {
        String named = System.getenv("JAVA_25");
        if (named != null && !named.isBlank()) {
            return Path.of(named);
        }
        Path jvms = Path.of(System.getProperty("java.home")).getParent();
        try (Stream<Path> homes = Files.list(jvms)) {
            for (Path home : homes.sorted().toList()) {
                Path release = home.resolve("release");
                if (Files.isRegularFile(release) && Files.isExecutable(home.resolve("bin/java"))) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("JAVA_VERSION=\"(\\d+)")
                            .matcher(Files.readString(release));
                    if (m.find() && Integer.parseInt(m.group(1)) >= ShortRunLauncher.AOT_CACHE_RELEASE) {
                        return home.resolve("bin/java");
                    }
                }
            }
        }
        throw new IllegalStateException("no JDK " + ShortRunLauncher.AOT_CACHE_RELEASE + " or later beside "
                + System.getProperty("java.home") + " (the build image has Temurin 25 in " + jvms
                + "); set JAVA_25 to the java of one");
    }

    @Test
    void versionOrHelpRunsWriteNoArchive() throws IOException {
        assertEquals(OptionalInt.of(0), launcher().run(new String[] {"--version", "0"}));
        assertTrue(stdout().contains("args --version 0"), stdout());
        assertEquals(List.of(), cached());
    }

    @Test
    void aRunThatDiesKeepsNoArchiveAndOneThatCrashedDeletesTheArchiveItMapped() throws IOException {
        ShortRunLauncher launcher = launcher();
        assertEquals(OptionalInt.of(134), launcher.run(new String[] {"halt", "134"}));
        assertEquals(List.of(), cached(), "a training run that died wrote no archive to keep");

        assertEquals(OptionalInt.of(0), launcher.run(new String[] {"push", "0"}));
        Path archive = theArchive(launcher);
        assertEquals(OptionalInt.of(143), launcher.run(new String[] {"halt", "143"}));
        assertEquals(List.of(archive), cached(), "a run stopped by SIGTERM says nothing about its archive");
        assertEquals(OptionalInt.of(134), launcher.run(new String[] {"halt", "134"}));
        assertEquals(List.of(), cached(), "an archive a run crashed on is deleted, so the next run writes a new one");
    }

    @Test
    void aTruncatedArchiveIsNeverRenamedIntoPlace() throws IOException {
        ShortRunLauncher launcher = launcher();
        assertEquals(OptionalInt.of(0), launcher.run(new String[] {"push", "0"}));
        Path archive = theArchive(launcher);
        byte[] whole = Files.readAllBytes(archive);
        Files.delete(archive);
        Path truncated = cache.resolve(launcher.archiveKey() + ".jsa." + ProcessHandle.current().pid() + ".tmp");
        Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));

        launcher.keepIfUsable(truncated, launcher.archiveKey(), 0);

        assertEquals(List.of(), cached(), "the JVM that checked it crashed: deleted, not kept");
    }

    @Test
    void aCorruptedArchiveIsNeverMappedButReplaced() throws IOException {
        ShortRunLauncher launcher = launcher();
        assertEquals(OptionalInt.of(0), launcher.run(new String[] {"push", "0"}));
        Path archive = theArchive(launcher);
        byte[] bytes = Files.readAllBytes(archive);
        for (int i = bytes.length / 2; i < bytes.length / 2 + 4096; i++) {
            bytes[i] ^= (byte) 0xff; // same length, different content: a JVM mapping it crashes
        }
        archive.toFile().setWritable(true);
        Files.write(archive, bytes);

        assertEquals(OptionalInt.of(0), launcher.run(new String[] {"push", "0"}));
        assertFalse(stdout().contains("SharedArchiveFile"), stdout());
        assertTrue(stdout().contains("-XX:ArchiveClassesAtExit="), "written again: " + stdout());
        Path rewritten = theArchive(launcher);

        assertEquals(OptionalInt.of(0), launcher.run(new String[] {"push", "0"}));
        assertTrue(stdout().contains("-XX:SharedArchiveFile=" + rewritten), stdout());
    }

    @Test
    void jarsSharingTheCacheKeepTheirOwnArchivesAndANewBuildReplacesItsJarsArchive() throws IOException {
        Path otherJar = Files.copy(jar, dir.resolve("other.jar"));
        ShortRunLauncher first = launcher();
        ShortRunLauncher other = launcher(otherJar, cache, out, err);
        assertEquals(OptionalInt.of(0), first.run(new String[] {"push", "0"}));
        assertEquals(OptionalInt.of(0), other.run(new String[] {"push", "0"}));
        assertEquals(2, cached().size(), cached().toString());

        assertEquals(OptionalInt.of(0), first.run(new String[] {"push", "0"}));
        assertTrue(stdout().contains("-XX:SharedArchiveFile=" + cache.resolve(first.archiveKey())), stdout());
        assertEquals(OptionalInt.of(0), other.run(new String[] {"push", "0"}));
        assertTrue(stdout().contains("-XX:SharedArchiveFile=" + cache.resolve(other.archiveKey())), stdout());

        String before = first.archiveKey();
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
        assertNotEquals(before, first.archiveKey(), "a new build of the jar has a new key");
        assertEquals(OptionalInt.of(0), first.run(new String[] {"push", "0"}));
        List<String> names = cached().stream().map(path -> path.getFileName().toString()).toList();
        assertEquals(2, names.size(), names.toString());
        assertTrue(names.stream().anyMatch(name -> name.startsWith(first.archiveKey() + "-")), names.toString());
        assertTrue(names.stream().anyMatch(name -> name.startsWith(other.archiveKey() + "-")), names.toString());
    }

    @Test
    void theTemporaryArchiveOfARunThatIsGoneIsRemoved() throws Exception {
        Process finished = new ProcessBuilder(java(), "-version").redirectErrorStream(true)
                .redirectOutput(Redirect.DISCARD).start();
        assertEquals(0, finished.waitFor());
        Files.createDirectories(cache);
        Path dead = Files.writeString(cache.resolve("cli-0011223344556677-8899aabbccddeeff.jsa."
                + finished.pid() + ".tmp"), "half an archive");
        Path running = Files.writeString(cache.resolve("cli-0011223344556677-8899aabbccddeeff.jsa."
                + ProcessHandle.current().pid() + ".tmp"), "being written");

        assertEquals(OptionalInt.of(0), launcher().run(new String[] {"--version", "0"}));

        assertFalse(Files.exists(dead), "its writer is gone");
        assertTrue(Files.exists(running), "its writer still runs");
    }

    @Test
    void theChildEndsWhenItsParentIsKilled() throws Exception {
        Process parent = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                ShortRunLauncherTest.class.getName(), jar.toString(), cache.toString(), out.toString(),
                err.toString(), "wait", "0").redirectErrorStream(true).redirectOutput(Redirect.DISCARD).start();
        ProcessHandle child = null;
        try {
            for (int i = 0; i < 600 && !(Files.exists(out) && stdout().contains("waiting")); i++) {
                Thread.sleep(100);
            }
            assertTrue(stdout().contains("waiting"), "the child runs: " + stdout());
            child = parent.toHandle().children().findFirst().orElseThrow();

            parent.destroyForcibly(); // SIGKILL: no shutdown hook stops the child
            parent.waitFor();

            child.onExit().get(60, TimeUnit.SECONDS);
            assertFalse(child.isAlive());
            assertTrue(Files.readString(err).contains("is gone"), Files.readString(err));
        } catch (TimeoutException stillRunning) {
            fail("the child still runs a minute after its parent was killed");
        } finally {
            parent.destroyForcibly();
            if (child != null) {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void aJvmStartedWithOptionsOrTurnedOffRunsTheCliItself() {
        String[] cloud = {"push", "--central", "s3://central", "--source", "scan"};
        assertTrue(ShortRunLauncher.forThisJvm(cloud, Map.of(ShortRunLauncher.SWITCH_VARIABLE, "0")).isEmpty());
        assertTrue(ShortRunLauncher.forThisJvm(cloud, Map.of("JAVA_TOOL_OPTIONS", "-Xmx1g")).isEmpty());
        assertTrue(ShortRunLauncher.forThisJvm(cloud, Map.of("JDK_JAVA_OPTIONS", "-Xmx1g")).isEmpty());
        // This test JVM was not started as `java -jar stance-sync.jar`.
        assertTrue(ShortRunLauncher.forThisJvm(cloud, Map.of()).isEmpty());
    }

    @Test
    void onlyARunThatNamesABucketOrContainerMovesIntoAChild() {
        assertTrue(ShortRunLauncher.namesACloudStore(new String[] {"push", "--central", "s3://central/prefix"}));
        assertTrue(ShortRunLauncher.namesACloudStore(new String[] {"pull", "--central=gs://bucket", "--target", "t"}));
        assertTrue(ShortRunLauncher.namesACloudStore(new String[] {"export", "--central", "az://acct/container"}));
        assertTrue(ShortRunLauncher.namesACloudStore(
                new String[] {"status", "--central", "https://acct.blob.core.windows.net/c"}));
        assertFalse(ShortRunLauncher.namesACloudStore(new String[] {"push", "--central", "/srv/central",
            "--source", "file:///srv/scan"}));
        assertFalse(ShortRunLauncher.namesACloudStore(new String[] {"--version"}));
    }
}
