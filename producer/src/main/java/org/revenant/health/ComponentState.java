package org.revenant.health;

/** How one supervised component is doing, from best to worst. */
public enum ComponentState {
    /** Working. */
    UP,
    /** Not yet working, expected to be soon (starting, restoring state). */
    STARTING,
    /** Working badly: keeps failing, restarting after a crash, or skipping bad input it cannot use. */
    DEGRADED,
    /** Stopped: does nothing until someone acts (or until its own restart succeeds). */
    DOWN
}
