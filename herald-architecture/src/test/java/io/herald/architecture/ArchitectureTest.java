package io.herald.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package structure as the build enforces it, over the main classes of every shipped module:
 * layers point one way, so each package can be read, tested and replaced knowing only what it
 * imports. A failure lists the offending dependencies; the fix is to move a type, not to widen a rule.
 */
class ArchitectureTest {

    /** What an application compiles against: the entry point, the broker API and the event model. */
    private static final String[] API = {"io.herald", "io.herald.broker", "io.herald.event"};
    /** Packages of backends and of the programs built on the API. */
    private static final String[] BEYOND_API = {"io.herald.delivery..", "io.herald.embedded..", "io.herald.kafka..", "io.herald.jdbc..", "io.herald.log..",
        "io.herald.http..", "io.herald.server..", "io.herald.client..", "io.herald.cli..", "io.herald.testkit.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importHerald() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.herald");
    }

    @Test
    void everyShippedModuleIsImported() {
        Set<String> packages = new TreeSet<>();
        classes.forEach(c -> packages.add(c.getPackageName()));
        assertThat(packages).contains("io.herald", "io.herald.broker", "io.herald.event", "io.herald.log", "io.herald.delivery",
                "io.herald.embedded",
                "io.herald.kafka", "io.herald.jdbc.outbox", "io.herald.http", "io.herald.server", "io.herald.client", "io.herald.cli",
                "io.herald.testkit");
    }

    /** Every package is its own slice: a cycle between any two packages, even inside one module, fails. */
    @Test
    void noPackageCycles() {
        slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                return SliceIdentifier.of(javaClass.getPackageName());
            }

            @Override
            public String getDescription() {
                return "packages of io.herald";
            }
        }).should().beFreeOfCycles().check(classes);
    }

    @Test
    void theApiImportsNoBackend() {
        noClasses().that().resideInAnyPackage(API)
                .should().dependOnClassesThat().resideInAnyPackage(BEYOND_API)
                .because("an application names a backend only through its config (Herald.kafka(KafkaConfig...)), "
                        + "never by compiling against it")
                .check(classes);
    }

    @Test
    void theApiDoesNotLeanOnTheSpi() {
        noClasses().that().resideInAnyPackage(API)
                .should().dependOnClassesThat().resideInAnyPackage("io.herald.broker.spi..")
                .because("the SPI is for those who implement or extend a broker; users never need it")
                .check(classes);
    }

    @Test
    void theSharedDeliveryEngineKnowsNoBackend() {
        noClasses().that().resideInAnyPackage("io.herald.delivery..")
                .should().dependOnClassesThat().resideInAnyPackage("io.herald.embedded..", "io.herald.kafka..", "io.herald.log..",
                        "org.apache.kafka..")
                .because("both backends run the same state machine: what is a backend's own goes through Window.Effects")
                .check(classes);
    }

    /** A package split across two jars cannot be a module, and hides which jar a type comes from. */
    @Test
    void noPackageIsSplitAcrossModules() {
        Map<String, Set<String>> origins = new TreeMap<>();
        for (JavaClass c : classes) {
            String location = c.getSource().orElseThrow().getUri().toString();
            String classFile = c.getName().replace('.', '/');
            String root = location.substring(0, location.lastIndexOf(classFile.substring(0, classFile.lastIndexOf('/'))));
            origins.computeIfAbsent(c.getPackageName(), p -> new TreeSet<>()).add(root);
        }
        origins.values().removeIf(roots -> roots.size() == 1);
        assertThat(origins).as("packages found in more than one module").isEmpty();
    }
}
