package dev.tern.metrics;

import dev.tern.error.ErrorKind;
import dev.tern.topic.EngineStats;
import dev.tern.topic.SubscriberTransport;
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
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

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

    private final Counter webhookDelivered = Counter.builder("tern.webhook.deliveries")
            .description("Webhook delivery attempts, by result").tag("result", "delivered").register(registry);
    private final Counter webhookFailed = Counter.builder("tern.webhook.deliveries")
            .description("Webhook delivery attempts, by result").tag("result", "failed").register(registry);
    private final Counter webhookDiscontinuities = Counter.builder("tern.webhook.discontinuities")
            .description("Discontinuity requests delivered to webhooks (messages history no longer held)")
            .register(registry);
    private final Timer webhookLatency = Timer.builder("tern.webhook.delivery.latency")
            .description("Time from sending a webhook request to its answer (or failure)")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    private final Map<SubscriberTransport, LongAdder> subscribersByTransport = new EnumMap<>(SubscriberTransport.class);

    public TernMetrics(EngineStats engine) {
        for (SubscriberTransport transport : SubscriberTransport.values()) {
            LongAdder count = new LongAdder();
            subscribersByTransport.put(transport, count);
            Gauge.builder("tern.subscribers.by.transport", count, LongAdder::sum)
                    .description("Live subscriptions of this node by transport")
                    .tag("transport", transport.jsonName())
                    .register(registry);
        }
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

    /**
     * {@code tern_ready} (1 while {@code /readyz} answers 200) and {@code tern_engine_available{engine}} (0 while
     * the engine cannot store messages, e.g. its Redis is unreachable), for alerting rules.
     */
    public void watchHealth(BooleanSupplier ready, String engine, BooleanSupplier engineAvailable) {
        Gauge.builder("tern.ready", ready, r -> r.getAsBoolean() ? 1 : 0)
                .description("1 while the server is ready for traffic (GET /readyz answers 200), else 0")
                .strongReference(true)   // a gauge holds its state weakly: a lambda would be collected
                .register(registry);
        Gauge.builder("tern.engine.available", engineAvailable, a -> a.getAsBoolean() ? 1 : 0)
                .description("1 while the topic engine can store messages (with --engine redis: Redis answers), else 0")
                .tag("engine", engine)
                .strongReference(true)
                .register(registry);
    }

    /** A subscription through the gateway began ({@code tern_subscribers_by_transport}). */
    public void subscriberOpened(SubscriberTransport transport) {
        subscribersByTransport.get(transport).increment();
    }

    public void subscriberClosed(SubscriberTransport transport) {
        subscribersByTransport.get(transport).decrement();
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

    public void recordWebhookAttempt(boolean delivered, long nanos) {
        (delivered ? webhookDelivered : webhookFailed).increment();
        webhookLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void recordWebhookDiscontinuity() {
        webhookDiscontinuities.increment();
    }

    /** {@code tern_webhook_lag_messages}: messages seen and not yet delivered, summed over this node's webhooks. */
    public void registerWebhookLag(java.util.function.Supplier<Number> lag) {
        Gauge.builder("tern.webhook.lag.messages", lag).description(
                "Messages published and not yet confirmed by webhook receivers, over the webhooks this node delivers")
                .register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }
}
