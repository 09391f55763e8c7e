package dev.tern.topic;

/** Live figures an engine reports for metrics. */
public interface EngineStats {
    long publishes();

    long deliveries();

    long subscribers();

    long topics();

    /** Bytes of message values held in history for resume, across all topics. */
    default long historyBytes() {
        return 0;
    }
}
