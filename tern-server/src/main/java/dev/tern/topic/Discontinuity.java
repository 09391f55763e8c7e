package dev.tern.topic;

/**
 * The subscriber missed messages: it last saw {@code lastSequence} and the next message it will receive is
 * {@code newSequence} on page {@code newSequencePage}. Named as Momento's {@code _Discontinuity}.
 */
public record Discontinuity(long lastSequence, long newSequence, long newSequencePage) implements SubscriptionEvent {
}
