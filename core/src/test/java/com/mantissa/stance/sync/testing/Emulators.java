package com.mantissa.stance.sync.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that starts storage emulators on demand, once per JVM, and injects them.
 *
 * <pre>{@code
 * @ExtendWith(Emulators.class)
 * class MyTest {
 *     @BeforeAll
 *     static void startServers(MotoServer moto, AzuriteServer azurite) {
 *         moto.createBucket("central");
 *     }
 * }
 * }</pre>
 *
 * <p>Any constructor, lifecycle or test method parameter of a registered server type
 * ({@link MotoServer}, {@link AzuriteServer}, {@link GcsServer}, {@link PubSubEmulator}) is resolved; the first request starts the
 * process on a free port on 127.0.0.1 and waits (bounded) until it answers HTTP. The server
 * lives as long as the test JVM, so every test class of that JVM shares it, and is stopped when
 * the JVM exits. Not the root context's lifetime: a surefire fork that is reused runs each test
 * class as a JUnit run of its own, whose root context closes after the class, while the SDK
 * clients the adapters build once per process keep the first server's endpoint. A server that
 * cannot start fails the test with what to install; nothing is skipped.
 *
 * <h2>How adapters find the emulators: published system properties</h2>
 * Production code reaches each store only through its SDK's standard settings, and so do the
 * tests: a started server publishes those settings as <em>JVM system properties</em>, which
 * every lookup the adapters use consults before the environment variable of the same meaning.
 * <ul>
 *   <li>moto: {@code aws.endpointUrlS3}, {@code aws.accessKeyId}, {@code aws.secretAccessKey},
 *       {@code aws.region}. The AWS SDK v2 reads these itself (system property, then
 *       {@code AWS_ENDPOINT_URL_S3} etc.); {@code S3StorageAdapter} switches to path-style
 *       addressing whenever an endpoint override is in effect.</li>
 *   <li>Azurite: {@code AZURE_STORAGE_CONNECTION_STRING} (the Azure SDK's own precedence:
 *       system property, then environment variable).</li>
 *   <li>GCS ({@link GcsServer}, an in-JVM fake of the JSON API): {@code STORAGE_EMULATOR_HOST}.
 *       The Java client ignores it, so {@code GCSStorageAdapter} reads it (system property,
 *       then environment) and connects there without credentials, as the other Google clients
 *       do.</li>
 * </ul>
 * So {@code new S3StorageAdapter(bucket)} and {@code new AzureBlobStorageAdapter(account,
 * container)} — and any handler that builds adapters from its configuration — reach the
 * emulator with no test-only code path. Two rules follow: start the servers (inject them into
 * a {@code @BeforeAll}) before the code under test builds its first client, because the
 * adapters' process-wide clients are built once; and a child process needs
 * {@link EmulatorServer#environment()} put into its environment.
 *
 * <p>Why not real environment variables from surefire: the ports are picked at run time inside
 * the test JVM (fixed ports collide with other builds on the machine), after surefire has
 * already fixed the fork's environment, and a JVM cannot change its own environment.
 *
 * <h2>Adding a server</h2>
 * Implement {@link EmulatorServer} with a static {@code start()} and add one line to
 * {@link #REGISTRY}.
 */
public final class Emulators implements ParameterResolver {

    /** The servers this JVM started, by type; stopped when the JVM exits. */
    private static final Map<Class<? extends EmulatorServer>, EmulatorServer> RUNNING = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.values().forEach(EmulatorServer::close),
                "emulators-stop"));
    }

    private static final Map<Class<? extends EmulatorServer>, Supplier<? extends EmulatorServer>> REGISTRY = Map.of(
            MotoServer.class, MotoServer::start,
            AzuriteServer.class, AzuriteServer::start,
            GcsServer.class, GcsServer::start,
            PubSubEmulator.class, PubSubEmulator::start);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return REGISTRY.containsKey(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return get(parameter.getParameter().getType().asSubclass(EmulatorServer.class), context);
    }

    /**
     * The running server of that type, started now if this JVM has none yet. {@code context} is
     * the asking test's; the server outlives it (see above).
     */
    public static <T extends EmulatorServer> T get(Class<T> type, ExtensionContext context) {
        Supplier<? extends EmulatorServer> starter = REGISTRY.get(type);
        if (starter == null) {
            throw new IllegalArgumentException(type.getName() + " is not registered in " + Emulators.class.getName());
        }
        return type.cast(RUNNING.computeIfAbsent(type, t -> starter.get()));
    }
}
