package com.mantissa.stance.sync.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * What a handler module may use of core: the function contract and the model, nothing below
 * them. A handler decodes its platform's event (with a JSON library or the platform's event
 * types) into function events and maps the outcome back; parsing records, reaching a store or
 * running the engine is core's job. Each handler module runs these rules with
 * {@code @AnalyzeClasses(packages = "<its package>") class HandlerArchitectureTest} holding
 * {@code @ArchTest static final ArchTests rules = ArchTests.in(HandlerArchitectureRules.class)}.
 */
public final class HandlerArchitectureRules {
    private static final String ROOT = "com.mantissa.stance.sync.";

    /** The handler packages, one per cloud. */
    public static final String[] HANDLER_PACKAGES = {ROOT + "aws..", ROOT + "gcp..", ROOT + "azure.."};

    @ArchTest
    public static final ArchRule handlersImportOnlyFunctionAndModel = noClasses()
            .that().resideInAnyPackage(HANDLER_PACKAGES)
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + "wire..", ROOT + "engine..",
                    ROOT + "storage..", ROOT + "cli..")
            .because("handler modules decode their platform's event and call core's function contract only");

    private HandlerArchitectureRules() {
    }
}
