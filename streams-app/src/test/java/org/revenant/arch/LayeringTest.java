package org.revenant.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of the streams app, as rules that fail the build: detection is the core
 * and knows nothing of how it is presented (HTTP, Javalin, Micrometer); the wire format knows
 * nothing of detection; and neither {@code detect} nor {@code http} has a package cycle, the root
 * package of each included.
 */
class LayeringTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.revenant");
    }

    @Test
    void detectionDoesNotDependOnPresentation() {
        noClasses()
                .that()
                .resideInAPackage("org.revenant.detect..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.revenant.http..", "io.javalin..", "io.micrometer..")
                .because(
                        "the topology's stores, recorders and tap are its own; the HTTP side reads them, not the reverse")
                .check(classes);
    }

    @Test
    void wireFormatDoesNotDependOnDetection() {
        noClasses()
                .that()
                .resideInAnyPackage("org.revenant.wire..", "org.revenant.avro..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.revenant.detect..", "org.revenant.http..")
                .check(classes);
    }

    @Test
    void detectPackagesHaveNoCycles() {
        slices().assignedFrom(packagesUnder("org.revenant.detect"))
                .should()
                .beFreeOfCycles()
                .check(classes);
    }

    @Test
    void httpPackagesHaveNoCycles() {
        slices().assignedFrom(packagesUnder("org.revenant.http"))
                .should()
                .beFreeOfCycles()
                .check(classes);
    }

    /** One slice per package at or under {@code root}, so the root package takes part in cycles too. */
    private static SliceAssignment packagesUnder(String root) {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String pkg = javaClass.getPackageName();
                return pkg.equals(root) || pkg.startsWith(root + ".")
                        ? SliceIdentifier.of(pkg)
                        : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "packages at or under " + root;
            }
        };
    }
}
