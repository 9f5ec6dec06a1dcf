package com.mantissa.stance.sync.azure;

import com.mantissa.stance.sync.architecture.HandlerArchitectureRules;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;

/** The Azure functions import only core's function contract and model. */
@AnalyzeClasses(packages = "com.mantissa.stance.sync.azure", importOptions = ImportOption.DoNotIncludeTests.class)
class HandlerArchitectureTest {
    @ArchTest
    static final ArchTests RULES = ArchTests.in(HandlerArchitectureRules.class);
}
