package org.revenant.detect.registry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The registry index the matchers read. One per topology instance: the global registry
 * processor swaps in a freshly built index; readers always see a complete one.
 */
public final class RegistryView {

    private final AtomicReference<RegistryIndex> current = new AtomicReference<>(RegistryIndex.EMPTY);
    private final List<Consumer<RegistryIndex>> listeners = new CopyOnWriteArrayList<>();

    public RegistryIndex current() {
        return current.get();
    }

    /** Called with every new index, on the registry thread; must be quick and must not throw. */
    public void onSwap(Consumer<RegistryIndex> listener) {
        listeners.add(listener);
    }

    void swap(RegistryIndex index) {
        current.set(index);
        for (Consumer<RegistryIndex> listener : listeners) {
            try {
                listener.accept(index);
            } catch (RuntimeException e) {
                // A listener (health, metrics) must never stop the registry from updating.
            }
        }
    }
}
