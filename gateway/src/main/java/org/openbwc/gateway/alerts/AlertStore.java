package org.openbwc.gateway.alerts;

import java.util.Collection;
import java.util.List;

/** Where the alert board keeps its alerts across gateway restarts; called under the board's lock, in order. */
public interface AlertStore {

    /** Keeps nothing: a board that forgets on restart (tests). */
    AlertStore NONE = new AlertStore() {
        @Override
        public List<Alert> load() {
            return List.of();
        }

        @Override
        public void save(Alert alert) {}
    };

    /** Every alert kept, oldest first, each in its latest state. */
    List<Alert> load();

    /** Keeps a new alert, or the new state of one kept. Must not throw: a store that fails logs and goes on. */
    void save(Alert alert);

    /** Whether the store has grown enough that {@link #compact} should be called. */
    default boolean wantsCompaction() {
        return false;
    }

    /** Replaces what is kept with exactly these alerts (oldest first). */
    default void compact(Collection<Alert> alerts) {}
}
