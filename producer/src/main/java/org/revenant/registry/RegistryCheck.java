package org.revenant.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.revenant.avro.RetractedDataset;

/**
 * Build-time check of the project's registry directory (run by the producer module's build, see
 * its pom): every file must validate and registry/INDEX must list exactly the files present.
 * A failure throws, which fails the build with each file, line and problem in the message.
 */
public final class RegistryCheck {

    private RegistryCheck() {}

    public static void main(String[] args) {
        Path directory = Path.of(args.length > 0 ? args[0] : "registry");
        int count = check(directory);
        System.out.println("registry OK: " + count + " datasets in " + directory.normalize());
    }

    /** Validates the directory and its INDEX; returns the number of datasets. */
    public static int check(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new RegistryException(List.of(new RegistryProblem(directory.toString(), 0, "not a directory")));
        }
        List<RegistryProblem> problems = new ArrayList<>();
        List<RetractedDataset> datasets = List.of();
        try {
            datasets = RegistryLoader.load(directory);
        } catch (RegistryException e) {
            problems.addAll(e.problems());
        }
        problems.addAll(RegistryLoader.checkIndex(directory));
        if (!problems.isEmpty()) {
            throw new RegistryException(problems);
        }
        return datasets.size();
    }
}
