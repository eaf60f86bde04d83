package org.revenant.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revenant.registry.RegistryFixtures.REPO_REGISTRY;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revenant.avro.ReferenceFile;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;

/** Checks on the registry the project ships (the repo-root registry/ folder). */
class BundledRegistryTest {

    @TempDir
    Path temp;

    private static List<RetractedDataset> shipped() {
        return RegistryLoader.load(REPO_REGISTRY);
    }

    @Test
    void everyShippedFileValidatesAndIndexAgrees() {
        assertEquals(21, RegistryCheck.check(REPO_REGISTRY));
        assertEquals(List.of(), RegistryLoader.checkIndex(REPO_REGISTRY));
    }

    @Test
    void everyShippedFileRoundTripsThroughWriter() {
        for (RetractedDataset d : shipped()) {
            String yaml = RegistryYaml.write(d);
            assertEquals(
                    d,
                    RegistryFile.parse("registry/" + d.getId() + ".yaml", yaml),
                    () -> "round trip of " + d.getId() + ":\n" + yaml);
        }
    }

    @Test
    void writerQuotesTextYamlWouldOtherwiseRetype() {
        assertEquals("'yes'", RegistryYaml.scalar("yes"));
        assertEquals("'12345'", RegistryYaml.scalar("12345"));
        assertEquals("'a: b'", RegistryYaml.scalar("a: b"));
        assertEquals("'it''s'", RegistryYaml.scalar("it's"));
        assertEquals("\"two\\nlines\"", RegistryYaml.scalar("two\nlines"));
        assertEquals("2019-06-06", RegistryYaml.scalar("2019-06-06"));
        assertEquals("MS-Celeb-1M", RegistryYaml.scalar("MS-Celeb-1M"));
    }

    @Test
    void bundledRegistryLoadsFromClasspathDirectory() throws IOException {
        // REPO_REGISTRY's parent as a class path root puts the files at registry/<name>.
        URL root =
                REPO_REGISTRY.toAbsolutePath().normalize().getParent().toUri().toURL();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {root}, null)) {
            assertEquals(ids(shipped()), ids(RegistryLoader.loadBundled(loader)));
        }
    }

    @Test
    void bundledRegistryLoadsFromJar() throws IOException {
        Path jar = temp.resolve("bundle.jar");
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file);
                Stream<Path> files = Files.list(REPO_REGISTRY)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry("registry/" + p.getFileName()));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            assertEquals(shipped(), RegistryLoader.loadBundled(loader));
        }
    }

    @Test
    void cifarIsNeverASignature() {
        // CIFAR-10/100 are subsets of Tiny Images but were never retracted: they must not alert.
        Set<Long> cifarSizes = Set.of(170498071L, 169001437L); // the python archives of CIFAR-10 and CIFAR-100
        for (RetractedDataset d : shipped()) {
            for (Signature s : d.getSignatures()) {
                String text = (s.getValue() + " "
                                + s.getFiles().stream()
                                        .map(ReferenceFile::getName)
                                        .collect(Collectors.joining(" ")))
                        .toLowerCase(Locale.ROOT);
                assertFalse(
                        text.contains("cifar") && !text.contains("wo_cifar"),
                        d.getId() + " has a CIFAR signature: " + s);
                assertFalse(s.getSize() != null && cifarSizes.contains(s.getSize()), d.getId() + " uses a CIFAR size");
                assertFalse(s.getFiles().stream().anyMatch(f -> cifarSizes.contains(f.getSize())));
            }
            assertFalse(
                    d.getAliases().stream()
                            .anyMatch(a -> a.toLowerCase(Locale.ROOT).startsWith("cifar")),
                    d.getId() + " has a CIFAR alias");
        }
    }

    @Test
    void headlineFactsAreRegistered() {
        Map<String, RetractedDataset> byId =
                shipped().stream().collect(Collectors.toMap(RetractedDataset::getId, Function.identity()));
        assertTrue(has(byId.get("ms-celeb-1m"), SignatureKind.BTIH, "9e67eb7cc23c9417f39778a8e06cca5e26196a97"));
        assertTrue(has(byId.get("vggface2"), SignatureKind.BTIH, "535113b8395832f09121bc53ac85d7bc8ef6fa5b"));
        assertTrue(byId.get("tiny-images-80m").getSignatures().stream()
                .anyMatch(s -> Long.valueOf(243_615_796_224L).equals(s.getSize())));
        Signature glint = byId.get("glint360k").getSignatures().get(0);
        assertFalse(glint.getVerified());
        assertTrue(glint.getWeight() < 1.0);
        assertTrue(byId.get("laion-5b").getAllowedMirrors().contains("hf:datasets/laion/relaion*"));
        for (String derivative : List.of("ms1mv1", "ms1mv2", "ms1mv3", "ms-celeb-1m-v1c", "glint360k")) {
            assertEquals("ms-celeb-1m", byId.get(derivative).getParent(), derivative);
        }
    }

    private static boolean has(RetractedDataset d, SignatureKind kind, String value) {
        return d.getSignatures().stream().anyMatch(s -> s.getKind() == kind && value.equals(s.getValue()));
    }

    private static List<String> ids(List<RetractedDataset> all) {
        return all.stream().map(RetractedDataset::getId).toList();
    }
}
