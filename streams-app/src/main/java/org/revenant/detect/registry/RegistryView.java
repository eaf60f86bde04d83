package org.revenant.detect.registry;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The registry index the matchers read. One per topology instance: the global registry
 * processor swaps in a freshly built index; readers always see a complete one.
 */
public final class RegistryView {

    private final AtomicReference<RegistryIndex> current = new AtomicReference<>(RegistryIndex.EMPTY);

    public RegistryIndex current() {
        return current.get();
    }

    void swap(RegistryIndex index) {
        current.set(index);
    }
}
