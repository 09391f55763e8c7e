package dev.tern.topic;

/** Live figures an engine reports for metrics. */
public interface EngineStats {
    long publishes();

    long deliveries();

    long subscribers();

    long topics();
}
