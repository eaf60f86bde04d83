package org.revenant.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.revenant.avro.ReferenceFile;
import org.revenant.avro.RetractedDataset;
import org.revenant.avro.Signature;
import org.revenant.avro.SignatureKind;

/** The loader's rules applied to records: what {@code registry load} rejects, a record check rejects too. */
class DatasetRulesTest {

    private static RetractedDataset valid() {
        return RegistryFile.parse("registry/sample.yaml", RegistryFixtures.VALID);
    }

    private static RetractedDataset withSignature(Signature signature) {
        return RetractedDataset.newBuilder(valid())
                .setSignatures(List.of(signature))
                .build();
    }

    @Test
    void everyBundledDatasetPassesAsARecord() {
        for (RetractedDataset dataset : RegistryLoader.load(RegistryFixtures.REPO_REGISTRY)) {
            assertEquals(List.of(), DatasetRules.problems(dataset.getId(), dataset), dataset.getId());
        }
    }

    @Test
    void infohashWithoutValueIsRejectedInsteadOfThrowing() {
        Signature btih = Signature.newBuilder()
                .setKind(SignatureKind.BTIH)
                .setValue(null)
                .build();
        assertEquals(
                List.of("signature 1 (BTIH): missing required field 'value'"),
                DatasetRules.problems("sample", withSignature(btih)));
    }

    @Test
    void pathPatternThatDoesNotCompileIsRejectedWithTheLoadersWords() {
        Signature bad = Signature.newBuilder()
                .setKind(SignatureKind.PATH_PATTERN)
                .setValue("faces_emore/(train")
                .setMinCount(1)
                .build();
        List<String> problems = DatasetRules.problems("sample", withSignature(bad));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(
                problems.get(0).startsWith("signature 1 (PATH_PATTERN): regex does not compile: Unclosed group"),
                problems.get(0));
    }

    @Test
    void sameBadRegexInYamlFailsTheLoaderWithTheSameReason() {
        String yaml = RegistryFixtures.VALID.replace(
                "- {kind: BTIH, value: 9e67eb7cc23c9417f39778a8e06cca5e26196a97}",
                "- {kind: PATH_PATTERN, value: \"faces_emore/(train\", minCount: 1}");
        RegistryException e = Assertions.assertThrows(
                RegistryException.class, () -> RegistryFile.parse("registry/sample.yaml", yaml));
        assertTrue(e.getMessage().contains("regex does not compile: Unclosed group"), e.getMessage());
    }

    @Test
    void aSignatureOfAKindFromANewerReleaseIsNotAProblem() {
        Signature future = Signature.newBuilder()
                .setKind(SignatureKind.UNKNOWN)
                .setValue(null)
                .build();
        RetractedDataset dataset = RetractedDataset.newBuilder(valid())
                .setSignatures(List.of(future, valid().getSignatures().get(0)))
                .build();
        assertEquals(List.of(), DatasetRules.problems("sample", dataset));
    }

    @Test
    void aRegistryFileCannotNameTheUnknownKind() {
        String yaml = RegistryFixtures.VALID.replace(
                "- {kind: BTIH, value: 9e67eb7cc23c9417f39778a8e06cca5e26196a97}", "- {kind: UNKNOWN, value: x}");
        RegistryException e = Assertions.assertThrows(
                RegistryException.class, () -> RegistryFile.parse("registry/sample.yaml", yaml));
        assertTrue(e.getMessage().contains("unknown kind 'UNKNOWN'"), e.getMessage());
        assertTrue(
                e.getMessage().contains("REFERENCE_MANIFEST")
                        && !e.getMessage().contains("REFERENCE_MANIFEST, UNKNOWN"),
                e.getMessage());
    }

    @Test
    void recordKeyMustBeTheDatasetId() {
        assertEquals(
                List.of("record key 'other' is not the dataset id 'sample'"), DatasetRules.problems("other", valid()));
    }

    @Test
    void nullsWhereTheSchemaAllowsNoneAreProblemsNotExceptions() {
        RetractedDataset broken = RetractedDataset.newBuilder(valid()).build();
        broken.setId(null);
        broken.setName(null);
        broken.setStatus(null);
        broken.setReasons(null);
        broken.setSources(null);
        broken.setSignatures(Arrays.asList(
                null,
                Signature.newBuilder()
                        .setKind(SignatureKind.REFERENCE_MANIFEST)
                        .setFiles(List.of(new ReferenceFile("a.tsv", -1L)))
                        .build()));
        List<String> problems = DatasetRules.problems("sample", broken);
        assertTrue(problems.contains("missing required field 'id'"), problems.toString());
        assertTrue(problems.contains("'sources' must list at least one source"), problems.toString());
        assertTrue(problems.contains("signature 1: empty"), problems.toString());
        assertTrue(
                problems.contains("signature 2 (REFERENCE_MANIFEST): size must not be negative"), problems.toString());
    }
}
