package com.mantissa.stance.sync.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

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

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching(ROOT + "(*)..").should().beFreeOfCycles();
}
