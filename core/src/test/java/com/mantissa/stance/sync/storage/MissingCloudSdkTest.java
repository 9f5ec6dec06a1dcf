package com.mantissa.stance.sync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Core's own classes in a class loader that sees no cloud SDK (and nothing else from the class
 * path), as in a function artifact built without that cloud: a folder still opens, and every
 * cloud location and queue fails with one message naming the build flag, never with a
 * NoClassDefFoundError.
 */
class MissingCloudSdkTest {

    private static URLClassLoader coreWithoutSdks() {
        URL coreClasses = Stores.class.getProtectionDomain().getCodeSource().getLocation();
        return new URLClassLoader(new URL[] {coreClasses}, ClassLoader.getPlatformClassLoader());
    }

    /** {@code Stores.open(StorageLocation.parse(location))} inside {@code loader}; what it returned or threw. */
    private static Object open(ClassLoader loader, String location) throws ReflectiveOperationException {
        Class<?> locations = loader.loadClass(StorageLocation.class.getName());
        Class<?> stores = loader.loadClass(Stores.class.getName());
        Object parsed = locations.getMethod("parse", String.class).invoke(null, location);
        return stores.getMethod("open", locations).invoke(stores.getConstructor().newInstance(), parsed);
    }

    private static Throwable failure(ClassLoader loader, String location) {
        InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> open(loader, location));
        return e.getCause();
    }

    @Test
    void aFolderOpensWithoutAnySdk(@TempDir Path folder) throws Exception {
        try (URLClassLoader loader = coreWithoutSdks()) {
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("software.amazon.awssdk.services.s3.S3Client"));
            Object store = open(loader, folder.toString());
            assertEquals(LocalStorageAdapter.class.getName(), store.getClass().getName());
            assertEquals(loader, store.getClass().getClassLoader());
        }
    }

    @Test
    void eachCloudLocationNamesItsAdapterAndTheBuildFlag() throws Exception {
        try (URLClassLoader loader = coreWithoutSdks()) {
            String[][] cases = {
                {"s3://central/aggregated", "s3://central/aggregated needs the Amazon S3 adapter (AWS SDK)", "-Pwith-aws"},
                {"gs://central", "gs://central needs the Google Cloud Storage adapter (Google Cloud SDK)", "-Pwith-gcp"},
                {"az://account/central", "az://account/central needs the Azure Blob Storage adapter (Azure SDK)",
                    "-Pwith-azure"},
                {"https://account.blob.core.windows.net/central?sv=secret", "az://account/central needs the Azure Blob",
                    "-Pwith-azure"},
            };
            for (String[] c : cases) {
                Throwable failure = failure(loader, c[0]);
                assertEquals(PermanentStorageException.class.getName(), failure.getClass().getName(), c[0]);
                String message = failure.getMessage();
                assertTrue(message.startsWith(c[1]), message);
                assertTrue(message.contains("which this build leaves out (a function artifact carries only its own"
                        + " cloud's SDKs): rebuild the function with the Maven flag " + c[2] + " (or -Pall-clouds)"),
                        message);
                assertFalse(message.contains("secret"), message);
            }
        }
    }

    @Test
    void eachQueueNamesItsAdapterAndTheBuildFlag() throws Exception {
        try (URLClassLoader loader = coreWithoutSdks()) {
            Method open = loader.loadClass("com.mantissa.stance.sync.queue.WorkQueues").getMethod("open", String.class);
            String[][] cases = {
                {"https://sqs.us-east-1.amazonaws.com/123456789012/work", "the SQS adapter (AWS SDK)", "-Pwith-aws"},
                {"pubsub://hub-project/work/work-sub", "the Pub/Sub adapter (Google Cloud SDK)", "-Pwith-gcp"},
                {"azq://account/work", "the Azure Storage Queue adapter (Azure SDK)", "-Pwith-azure"},
                {"https://account.queue.core.windows.net/work", "the Azure Storage Queue adapter (Azure SDK)",
                    "-Pwith-azure"},
            };
            for (String[] c : cases) {
                InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> open.invoke(null, c[0]));
                IllegalArgumentException failure = assertInstanceOf(IllegalArgumentException.class, e.getCause(), c[0]);
                assertTrue(failure.getMessage().startsWith("queue " + c[0] + " needs " + c[1]
                        + ", which this build leaves out"), failure.getMessage());
                assertTrue(failure.getMessage().contains("the Maven flag " + c[2] + " (or -Pall-clouds)"),
                        failure.getMessage());
            }
        }
    }

    /** With the SDKs present (core's own class path) the same locations open their adapters. */
    @Test
    void withTheSdksPresentTheCheckPasses() {
        for (String location : new String[] {"s3://central", "gs://central", "az://account/central"}) {
            Stores.requireSdk(StorageLocation.parse(location));
        }
        try (Stores stores = new Stores()) {
            assertEquals(S3StorageAdapter.class, stores.open(StorageLocation.parse("s3://central")).getClass());
        }
    }
}
