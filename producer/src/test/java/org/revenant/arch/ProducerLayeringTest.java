package org.revenant.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The producer's layers, as rules that fail the build (docs/architecture.md, section 8): shared
 * settings ({@code config}) at the bottom; the crawl engine ({@code crawl}) above it, knowing no
 * platform; each platform's adapter ({@code source.*}) above the engine; and the one list of
 * platforms ({@code platforms}) on top. No package of the producer is in a cycle.
 */
class ProducerLayeringTest {

    private static final List<String> PRODUCER =
            List.of("config", "crawl", "deadletter", "health", "publish", "registry", "source", "platforms");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.revenant");
    }

    @Test
    void producerPackagesHaveNoCycles() {
        slices().assignedFrom(producerPackages()).should().beFreeOfCycles().check(classes);
    }

    @Test
    void settingsKnowNothingOfCrawlingOrPlatforms() {
        noClasses()
                .that()
                .resideInAPackage("org.revenant.config..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.revenant.crawl..", "org.revenant.source..", "org.revenant.platforms..")
                .check(classes);
    }

    @Test
    void theCrawlEngineKnowsNoPlatform() {
        noClasses()
                .that()
                .resideInAPackage("org.revenant.crawl..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.revenant.platforms..",
                        "org.revenant.source.github..",
                        "org.revenant.source.hf..",
                        "org.revenant.source.ia..",
                        "org.revenant.source.zenodo..",
                        "org.revenant.source.academictorrents..",
                        "org.revenant.source.torrents..")
                .because("a platform is a descriptor handed to the engine (docs/decisions/015), not a case in it")
                .check(classes);
    }

    @Test
    void onlyThePlatformsListNamesEveryPlatform() {
        noClasses()
                .that()
                .resideOutsideOfPackages("org.revenant.platforms..", "org.revenant.cli..", "org.revenant.http..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.revenant.platforms..")
                .check(classes);
    }

    /** One slice per producer package, root packages included. */
    private static SliceAssignment producerPackages() {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String pkg = javaClass.getPackageName();
                for (String root : PRODUCER) {
                    String full = "org.revenant." + root;
                    if (pkg.equals(full) || pkg.startsWith(full + ".")) {
                        return SliceIdentifier.of(pkg);
                    }
                }
                return SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "the producer's packages";
            }
        };
    }
}
