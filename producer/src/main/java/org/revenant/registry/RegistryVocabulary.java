package org.revenant.registry;

import java.util.List;

/**
 * The closed word lists of the registry format. Kept small on purpose: a reason or status that is
 * not in these lists is almost always a typo, and the validator says so.
 */
public final class RegistryVocabulary {

    /**
     * Why a dataset was withdrawn, after the NeurIPS deprecated-datasets taxonomy (technical; legal:
     * privacy, IP, likeness; ethical). {@code legal-other} covers legal grounds outside those three,
     * such as illegal content found in the data.
     */
    public static final List<String> REASONS =
            List.of("technical", "legal-privacy", "legal-ip", "legal-likeness", "legal-other", "ethical");

    /**
     * {@code retracted}: withdrawn by its makers or host. {@code derived}: built from a retracted
     * dataset (named in {@code parent}) and tainted by it, whether or not it was withdrawn itself.
     */
    public static final List<String> STATUSES = List.of("retracted", "derived");

    private RegistryVocabulary() {}
}
