package com.mantissa.stance.sync.aws;

import com.mantissa.stance.sync.architecture.HandlerArchitectureRules;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;

/** The Lambda handlers import only core's function contract and model. */
@AnalyzeClasses(packages = "com.mantissa.stance.sync.aws", importOptions = ImportOption.DoNotIncludeTests.class)
class HandlerArchitectureTest {
    @ArchTest
    static final ArchTests RULES = ArchTests.in(HandlerArchitectureRules.class);
}
