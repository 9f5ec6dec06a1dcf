package com.mantissa.stance.sync.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;

/**
 * The package graph is the architecture: wire format → model → storage → engine → function →
 * cli. Each rule names the packages a layer must not reach, so a new dependency in the wrong
 * direction fails the build instead of quietly growing a cycle.
 */
@AnalyzeClasses(packages = "com.mantissa.stance.sync", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String ROOT = "com.mantissa.stance.sync.";

    @ArchTest
    static final ArchRule wireDependsOnNothingOfOurs = noClasses()
            .that().resideInAPackage(ROOT + "wire..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "model..", ROOT + "storage..",
                    ROOT + "engine..", ROOT + "function..", ROOT + "cli..");

    @ArchTest
    static final ArchRule modelDependsOnlyOnWire = noClasses()
            .that().resideInAPackage(ROOT + "model..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "storage..", ROOT + "engine..",
                    ROOT + "function..", ROOT + "cli..");

    /** Producer formats map documents onto the model alone, so any reader of files or events can use them. */
    @ArchTest
    static final ArchRule formatsDependOnlyOnModelAndWire = noClasses()
            .that().resideInAPackage(ROOT + "formats..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "storage..", ROOT + "engine..",
                    ROOT + "function..", ROOT + "cli..", ROOT + "queue..");

    @ArchTest
    static final ArchRule storageKnowsNoEngineOrFunction = noClasses()
            .that().resideInAPackage(ROOT + "storage..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "engine..", ROOT + "function..",
                    ROOT + "cli..");

    @ArchTest
    static final ArchRule engineKnowsNoFunctionOrCli = noClasses()
            .that().resideInAPackage(ROOT + "engine..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "function..", ROOT + "cli..");

    @ArchTest
    static final ArchRule functionKnowsNoCli = noClasses()
            .that().resideInAPackage(ROOT + "function..")
            .should().dependOnClassesThat().resideInAPackage(ROOT + "cli..");

    @ArchTest
    static final ArchRule queueKnowsNoEngineFunctionOrCli = noClasses()
            .that().resideInAPackage(ROOT + "queue..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "engine..", ROOT + "function..",
                    ROOT + "cli..");

    /** The classes built on a cloud SDK, with their nested classes. */
    private static final Set<String> CLOUD_ADAPTERS = Set.of(ROOT + "storage.S3StorageAdapter",
            ROOT + "storage.GCSStorageAdapter", ROOT + "storage.AzureBlobStorageAdapter", ROOT + "queue.SqsWorkQueue",
            ROOT + "queue.PubSubWorkQueue", ROOT + "queue.AzureStorageWorkQueue");

    private static final DescribedPredicate<JavaClass> CLOUD_ADAPTER = new DescribedPredicate<>("are cloud adapters") {
        @Override
        public boolean test(JavaClass javaClass) {
            return CLOUD_ADAPTERS.contains(javaClass.getName().split("\\$", 2)[0]);
        }
    };

    /**
     * A function artifact carries only its own cloud's SDKs: every other class must load without
     * any of them, so only the adapters (which Stores and WorkQueues create after checking that
     * their SDK is present) may refer to SDK classes.
     */
    @ArchTest
    static final ArchRule onlyCloudAdaptersUseCloudSdks = noClasses()
            .that(DescribedPredicate.not(CLOUD_ADAPTER))
            .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk..", "com.azure..",
                    "com.google.cloud..", "com.google.api..", "com.google.auth..", "com.google.pubsub..",
                    "com.google.protobuf..");

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching(ROOT + "(*)..").should().beFreeOfCycles();
}
