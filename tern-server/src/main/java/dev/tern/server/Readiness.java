package dev.tern.server;

import java.util.function.BooleanSupplier;

/** Whether the server should receive traffic: set once it listens with its data loaded, cleared when it stops. */
final class Readiness implements BooleanSupplier {
    private volatile boolean ready;

    void set(boolean value) {
        ready = value;
    }

    @Override
    public boolean getAsBoolean() {
        return ready;
    }
}
