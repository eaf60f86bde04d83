package org.revenant.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.revenant.registry.RegistryFixtures.VALID;
import static org.revenant.registry.RegistryFixtures.registryDir;
import static org.revenant.registry.RegistryFixtures.write;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.RetractedDataset;

class RegistryLoaderTest {

    @TempDir
    Path temp;

    private static String dataset(String id) {
        return VALID.replace("id: sample", "id: " + id);
    }

    private static String derived(String id, String parent) {
        return dataset(id).replace("status: retracted", "parent: " + parent + "\nstatus: derived");
    }

    private List<String> problems(Path dir) {
        RegistryException e = assertThrows(RegistryException.class, () -> RegistryLoader.load(dir));
        return e.problems().stream().map(RegistryProblem::toString).toList();
    }

    @Test
    void directoryLoadsYamlAndYmlFilesInNameOrder() {
        Path dir = registryDir(temp);
        write(dir, "b.yml", dataset("b"));
        write(dir, "a.yaml", dataset("a"));
        write(dir, "notes.txt", "not a registry file");
        List<RetractedDataset> all = RegistryLoader.load(dir);
        assertEquals(
                List.of("a", "b"), all.stream().map(RetractedDataset::getId).toList());
    }

    @Test
    void singleFileLoads() {
        Path file = write(registryDir(temp), "a.yaml", dataset("a"));
        assertEquals("a", RegistryLoader.load(file).get(0).getId());
    }

    @Test
    void problemsFromSeveralFilesAreCollectedBeforeFailing() {
        Path dir = registryDir(temp);
        write(dir, "a.yaml", dataset("a").replace("status: retracted", "status: gone"));
        write(dir, "b.yaml", dataset("b"));
        write(dir, "c.yaml", dataset("c").replace("[ethical]", "[privacy]"));
        RegistryException e = assertThrows(RegistryException.class, () -> RegistryLoader.load(dir));
        assertEquals(
                List.of(
                        "registry/a.yaml: line 3: status 'gone' is not one of: retracted, derived",
                        "registry/c.yaml: line 5: reason 'privacy' is not one of: technical, legal-privacy, legal-ip, "
                                + "legal-likeness, legal-other, ethical"),
                e.problems().stream().map(RegistryProblem::toString).toList());
        assertEquals(
                "2 registry problems:" + System.lineSeparator()
                        + "  registry/a.yaml: line 3: status 'gone' is not one of: retracted, derived"
                        + System.lineSeparator()
                        + "  registry/c.yaml: line 5: reason 'privacy' is not one of: technical, legal-privacy, legal-ip, "
                        + "legal-likeness, legal-other, ethical",
                e.getMessage());
    }

    @Test
    void duplicateIdAcrossFilesIsRejected() {
        Path dir = registryDir(temp);
        write(dir, "a.yaml", dataset("a"));
        write(dir, "a.yml", dataset("a"));
        assertEquals(List.of("registry/a.yml: line 1: id 'a' is already used by registry/a.yaml"), problems(dir));
    }

    @Test
    void parentMissingFromRegistryIsRejected() {
        Path dir = registryDir(temp);
        write(dir, "child.yaml", derived("child", "nowhere"));
        assertEquals(List.of("registry/child.yaml: line 3: parent 'nowhere' is not in the registry"), problems(dir));
    }

    @Test
    void parentPresentInRegistryIsAccepted() {
        Path dir = registryDir(temp);
        write(dir, "child.yaml", derived("child", "root"));
        write(dir, "root.yaml", dataset("root"));
        assertEquals("root", RegistryLoader.load(dir).get(0).getParent());
    }

    @Test
    void parentCycleIsRejected() {
        Path dir = registryDir(temp);
        write(dir, "a.yaml", derived("a", "b"));
        write(dir, "b.yaml", derived("b", "a"));
        assertEquals(
                List.of(
                        "registry/a.yaml: line 3: parent chain loops back to 'a'",
                        "registry/b.yaml: line 3: parent chain loops back to 'b'"),
                problems(dir));
    }

    @Test
    void emptyDirectoryIsAnError() {
        assertEquals(List.of("registry/: no *.yaml registry files in this directory"), problems(registryDir(temp)));
    }

    @Test
    void indexThatMissesOrInventsFilesIsReported() {
        Path dir = registryDir(temp);
        write(dir, "a.yaml", dataset("a"));
        write(dir, "b.yaml", dataset("b"));
        write(dir, "INDEX", "# bundled files\na.yaml\nghost.yaml\n");
        assertEquals(
                List.of(
                        "registry/INDEX: lists 'ghost.yaml', which is not in registry/",
                        "registry/INDEX: does not list 'b.yaml'; add it so the bundled registry includes it"),
                RegistryLoader.checkIndex(dir).stream()
                        .map(RegistryProblem::toString)
                        .toList());
    }

    @Test
    void registryCheckFailsOnIndexMismatchEvenWhenFilesAreValid() {
        Path dir = registryDir(temp);
        write(dir, "a.yaml", dataset("a"));
        write(dir, "INDEX", "");
        RegistryException e = assertThrows(RegistryException.class, () -> RegistryCheck.check(dir));
        assertEquals(
                "registry/INDEX: does not list 'a.yaml'; add it so the bundled registry includes it", e.getMessage());
    }

    @Test
    void missingBundledIndexIsReported() {
        ClassLoader empty = new URLClassLoader(new URL[0], null);
        RegistryException e = assertThrows(RegistryException.class, () -> RegistryLoader.loadBundled(empty));
        assertEquals("classpath:registry/INDEX: not found; no registry is bundled on the class path", e.getMessage());
    }
}
