package com.mantissa.stance.sync.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;

/**
 * The package graph is the architecture: settings at the bottom; wire format → model → storage,
 * queue → notify → engine (entered through its facade) → function → worker → cli and the handler modules. Each rule names the packages a layer must not reach, so a new dependency in the wrong
 * direction fails the build instead of quietly growing a cycle.
 */
@AnalyzeClasses(packages = "com.mantissa.stance.sync", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String ROOT = "com.mantissa.stance.sync.";

    @ArchTest
    static final ArchRule wireDependsOnNothingOfOurs = noClasses()
            .that().resideInAPackage(ROOT + "wire..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "model..", ROOT + "storage..",
                    ROOT + "engine..", ROOT + "function..", ROOT + "worker..", ROOT + "cli..", ROOT + "formats..", ROOT + "notify..");

    @ArchTest
    static final ArchRule modelDependsOnlyOnWire = noClasses()
            .that().resideInAPackage(ROOT + "model..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "storage..", ROOT + "engine..",
                    ROOT + "function..", ROOT + "worker..", ROOT + "cli..", ROOT + "formats..", ROOT + "notify..");

    /** Producer formats map documents onto the model alone, so any reader of files or events can use them. */
    @ArchTest
    static final ArchRule formatsDependOnlyOnModelAndWire = noClasses()
            .that().resideInAPackage(ROOT + "formats..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "storage..", ROOT + "engine..",
                    ROOT + "function..", ROOT + "cli..", ROOT + "queue..", ROOT + "notify..");

    @ArchTest
    static final ArchRule storageKnowsNoEngineOrFunction = noClasses()
            .that().resideInAPackage(ROOT + "storage..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "engine..", ROOT + "function..",
                    ROOT + "worker..", ROOT + "cli..", ROOT + "notify..");

    @ArchTest
    static final ArchRule engineKnowsNoFunctionOrCli = noClasses()
            .that().resideInAPackage(ROOT + "engine..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "function..", ROOT + "worker..", ROOT + "cli..");

    @ArchTest
    static final ArchRule functionKnowsNoCli = noClasses()
            .that().resideInAPackage(ROOT + "function..")
            .should().dependOnClassesThat().resideInAPackage(ROOT + "cli..");

    @ArchTest
    static final ArchRule queueKnowsNoEngineFunctionOrCli = noClasses()
            .that().resideInAPackage(ROOT + "queue..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "engine..", ROOT + "function..",
                    ROOT + "worker..", ROOT + "cli..", ROOT + "notify..");

    /**
     * Notifications build digests from the model and publish them through the queue adapters or
     * their own SDK client; the engine decides when to send (after a push) and retries them.
     */
    @ArchTest
    static final ArchRule notifyKnowsNoEngineFunctionOrCli = noClasses()
            .that().resideInAPackage(ROOT + "notify..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "engine..", ROOT + "function..",
                    ROOT + "worker..", ROOT + "cli..");

    /** The classes built on a cloud SDK, with their nested classes. */
    private static final Set<String> CLOUD_ADAPTERS = Set.of(ROOT + "storage.S3StorageAdapter",
            ROOT + "storage.GCSStorageAdapter", ROOT + "storage.AzureBlobStorageAdapter", ROOT + "queue.SqsWorkQueue",
            ROOT + "queue.PubSubWorkQueue", ROOT + "queue.AzureStorageWorkQueue", ROOT + "notify.SnsNotificationTarget");

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
    static final ArchRule settingsDependOnNothingOfOurs = noClasses()
            .that().resideInAPackage(ROOT + "settings..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "wire..", ROOT + "model..", ROOT + "storage..",
                    ROOT + "queue..", ROOT + "engine..", ROOT + "function..", ROOT + "worker..", ROOT + "cli..",
                    ROOT + "notify..");

    /** The functions' core knows no worker: the worker and the scheduled tick are built on it, not in it. */
    @ArchTest
    static final ArchRule functionKnowsNoWorker = noClasses()
            .that().resideInAPackage(ROOT + "function..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "worker..", ROOT + "cli..");

    @ArchTest
    static final ArchRule workerKnowsNoCli = noClasses()
            .that().resideInAPackage(ROOT + "worker..")
            .should().dependOnClassesThat().resideInAPackage(ROOT + "cli..");

    /** Code outside the engine goes through its facade: the classes of the engine package itself. */
    @ArchTest
    static final ArchRule engineEnteredThroughItsFacade = noClasses()
            .that().resideOutsideOfPackage(ROOT + "engine..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "engine.*..");

    /** The engine's parts (scan reading, index, push, account passes, central-wide operations, execution) form no cycle. */
    @ArchTest
    static final ArchRule engineSubPackagesFreeOfCycles = slices().matching(ROOT + "engine.(*)..").should()
            .beFreeOfCycles();

    /** No package is a flat room: at most 25 top-level classes each, so a reader finds things by package. */
    @ArchTest
    static final ArchRule packagesStaySmall = com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes()
            .should(new com.tngtech.archunit.lang.ArchCondition<JavaClass>("be in a package of at most 25 classes") {
                @Override
                public void check(JavaClass item, com.tngtech.archunit.lang.ConditionEvents events) {
                    long inPackage = item.getPackage().getClasses().stream().filter(c -> c.isTopLevelClass() && !c.isArray())
                            .count();
                    if (inPackage > 25) {
                        events.add(com.tngtech.archunit.lang.SimpleConditionEvent.violated(item,
                                item.getPackageName() + " holds " + inPackage + " classes: "
                                        + item.getPackage().getClasses().stream().filter(c -> c.isTopLevelClass() && !c.isArray())
                                        .map(JavaClass::getSimpleName).sorted().toList()));
                    }
                }
            });

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching(ROOT + "(*)..").should().beFreeOfCycles();
}
