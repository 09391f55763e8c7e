package dev.tern.metrics;

import dev.tern.error.ErrorKind;
import dev.tern.topic.EngineStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Tern's meters, exposed in Prometheus text format on {@code GET /metrics}. */
public final class TernMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer publishLatency = Timer.builder("tern.publish.latency")
            .description("Time for the engine to accept a publish")
            // Count, sum and max only: client-side percentiles cost a histogram update on every publish, a
            // measurable share of the publish path (docs/performance.md).
            .register(registry);
    private final Map<ErrorKind, Counter> rejected = new EnumMap<>(ErrorKind.class);
    private final Counter subscriberLags = Counter.builder("tern.subscriber.lags")
            .description("Times a streaming subscriber fell behind, was cut off and later resumed from history")
            .register(registry);

    public TernMetrics(EngineStats engine) {
        FunctionCounter.builder("tern.publishes", engine, EngineStats::publishes)
                .description("Messages published").register(registry);
        FunctionCounter.builder("tern.deliveries", engine, EngineStats::deliveries)
                .description("Messages delivered to subscribers").register(registry);
        Gauge.builder("tern.subscribers", engine, EngineStats::subscribers)
                .description("Live subscriptions").register(registry);
        Gauge.builder("tern.topics", engine, EngineStats::topics)
                .description("Topics held by the engine").register(registry);
        Gauge.builder("tern.history", engine, EngineStats::historyBytes)
                .description("Bytes of message history held for resume, across all topics (--max-history-memory)")
                .baseUnit("bytes").register(registry);
        for (ErrorKind kind : ErrorKind.values()) {
            rejected.put(kind, Counter.builder("tern.rejected.requests")
                    .description("Requests refused, by reason")
                    .tag("reason", kind.name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
    }

    public void recordPublish(long nanos) {
        publishLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void recordRejected(ErrorKind kind) {
        rejected.get(kind).increment();
    }

    public void recordSubscriberLag() {
        subscriberLags.increment();
    }

    public String scrape() {
        return registry.scrape();
    }
}
