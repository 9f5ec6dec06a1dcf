package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
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
    private static final String MAIN = """
            import java.lang.management.ManagementFactory;
            public class Probe {
                public static void main(String[] args) {
                    System.out.println(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
                    System.out.println("args " + String.join(" ", args));
                    System.err.println("to stderr");
                    int code = Integer.parseInt(args[1]);
                    if (args[0].equals("halt")) {
                        Runtime.getRuntime().halt(code);
                    }
                    System.exit(code);
                }
            }
            """;

    @TempDir
    Path dir;
    Path jar;
    Path cache;
    Path out;
    Path err;

    @BeforeEach
    void probeJar() throws IOException {
        Path source = dir.resolve("src/Probe.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, MAIN);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", dir.resolve("classes").toString(), source.toString()));
        jar = dir.resolve("probe.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream zip = new JarOutputStream(file, manifest)) {
            zip.putNextEntry(new JarEntry("Probe.class"));
            zip.write(Files.readAllBytes(dir.resolve("classes/Probe.class")));
            zip.closeEntry();
        }
        cache = dir.resolve("cache/stance-sync");
        out = dir.resolve("out.txt");
        err = dir.resolve("err.txt");
    }

    ShortRunLauncher launcher() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ShortRunLauncher(java, jar, "Probe", cache, "test-jvm", Redirect.to(out.toFile()),
                Redirect.to(err.toFile()));
    }

    String stdout() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    List<Path> cached() throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.sorted().toList();
        }
    }

    @Test
    void theFirstRunOfACommandWritesTheArchiveThatLaterRunsMap() throws IOException {
        ShortRunLauncher launcher = launcher();
        Path archive = launcher.archive();

        assertEquals(OptionalInt.of(3), launcher.run(new String[] {"push", "3"}));
        assertTrue(stdout().contains("-XX:ArchiveClassesAtExit="), stdout());
        assertTrue(stdout().contains("-D" + ShortRunLauncher.CHILD_PROPERTY + "=true"), stdout());
        assertTrue(stdout().contains("args push 3"), stdout());
        assertEquals("to stderr", Files.readString(err).strip());
        assertEquals(List.of(archive), cached(), "the archive, renamed into place; no temporary file left");

        assertEquals(OptionalInt.of(0), launcher.run(new String[] {"push", "0"}));
        assertTrue(stdout().contains("-XX:SharedArchiveFile=" + archive), stdout());
        assertFalse(stdout().contains("ArchiveClassesAtExit"), stdout());
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
        assertEquals(List.of(launcher.archive()), cached());
        assertEquals(OptionalInt.of(143), launcher.run(new String[] {"halt", "143"}));
        assertEquals(List.of(launcher.archive()), cached(), "a run stopped by SIGTERM says nothing about its archive");
        assertEquals(OptionalInt.of(134), launcher.run(new String[] {"halt", "134"}));
        assertEquals(List.of(), cached(), "an archive a run crashed on is deleted, so the next run writes a new one");
    }

    @Test
    void aTruncatedArchiveIsNeverRenamedIntoPlace() throws IOException {
        ShortRunLauncher launcher = launcher();
        assertEquals(OptionalInt.of(0), launcher.run(new String[] {"push", "0"}));
        Path archive = launcher.archive();
        byte[] whole = Files.readAllBytes(archive);
        Files.delete(archive);
        Path truncated = cache.resolve("cli-truncated.jsa.tmp");
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));

        launcher.keepIfUsable(truncated, archive, 0);

        assertEquals(List.of(), cached(), "the JVM that checked it crashed: deleted, not kept");
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
