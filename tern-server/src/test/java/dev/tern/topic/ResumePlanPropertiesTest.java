package dev.tern.topic;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resume and discontinuity rule ({@link ResumePlan}) against real topic histories ({@link TopicHistory}): a topic
 * is built by publishing {@code published} messages into a history of {@code capacity}, then a client asks to start
 * somewhere. What it receives is the plan's discontinuity (if any), the replay from history, then live messages from
 * {@code last + 1}.
 */
class ResumePlanPropertiesTest {
    private static final long PAGE = 1_748_358_253_000_000L;

    /** A topic on {@link #PAGE} after {@code published} messages into a history holding {@code capacity}. */
    record Topic(int published, int capacity, TopicHistory history) {
        static Topic of(int published, int capacity) {
            TopicHistory history = new TopicHistory(capacity, Long.MAX_VALUE);
            for (int i = 1; i <= published; i++) {
                history.append(new TopicItem(PAGE, i, TopicValue.text("m" + i), null));
            }
            return new Topic(published, capacity, history);
        }

        long last() {
            return published;
        }

        long firstRetained() {
            return history.firstRetained(last() + 1);
        }

        ResumePlan plan(StartPosition requested) {
            return ResumePlan.of(PAGE, firstRetained(), last(), requested);
        }

        /** The sequence numbers delivered for a plan: replay from history, then the next live message. */
        List<Long> delivered(ResumePlan plan, int liveMessages) {
            List<Long> replayed = history.from(plan.replayFrom()).stream().map(TopicItem::sequenceNumber).toList();
            return LongStream.concat(replayed.stream().mapToLong(Long::longValue),
                    LongStream.rangeClosed(last() + 1, last() + liveMessages)).boxed().toList();
        }
    }

    @Provide
    Arbitrary<Topic> topics() {
        return Combinators.combine(Arbitraries.integers().between(0, 300), Arbitraries.integers().between(1, 50))
                .as(Topic::of);
    }

    /** A page the client may send: 0 (current), the current page, or some other page. */
    @Provide
    Arbitrary<Long> pages() {
        return Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.just(PAGE),
                Arbitraries.longs().between(1, PAGE * 2).filter(p -> p != PAGE));
    }

    @Property
    void noDiscontinuityMeansDeliveryStartsExactlyWhereAsked(@ForAll("topics") Topic topic,
                                                             @ForAll @LongRange(min = 1, max = 400) long wanted,
                                                             @ForAll("pages") long page) {
        ResumePlan plan = topic.plan(new StartPosition(wanted, page));
        if (plan.discontinuity() == null) {
            assertThat(plan.replayFrom()).isEqualTo(wanted);
            assertThat(topic.delivered(plan, 1).get(0)).isEqualTo(wanted);
        }
    }

    @Property
    void aDiscontinuityNamesTheCurrentPageAndTheFirstSequenceDelivered(@ForAll("topics") Topic topic,
                                                                      @ForAll @LongRange(min = 1, max = 400) long wanted,
                                                                      @ForAll("pages") long page) {
        ResumePlan plan = topic.plan(new StartPosition(wanted, page));
        Discontinuity gap = plan.discontinuity();
        if (gap != null) {
            assertThat(gap.newSequencePage()).isEqualTo(PAGE);
            assertThat(gap.newSequence()).isEqualTo(topic.delivered(plan, 1).get(0));
            assertThat(gap.lastSequence()).isEqualTo(wanted - 1);
        }
    }

    @Property
    void aPositionThatCannotBeHonouredAlwaysGivesADiscontinuity(@ForAll("topics") Topic topic,
                                                                @ForAll @LongRange(min = 1, max = 400) long wanted,
                                                                @ForAll("pages") long page) {
        boolean otherPage = page != 0 && page != PAGE;
        boolean lost = wanted < topic.firstRetained();
        boolean ahead = wanted > topic.last() + 1;
        ResumePlan plan = topic.plan(new StartPosition(wanted, page));
        assertThat(plan.discontinuity() != null).isEqualTo(otherPage || lost || ahead);
    }

    @Property
    void resumingAtLastPlusOneWithinHistoryNeverLosesOrDuplicates(@ForAll("topics") Topic topic,
                                                                  @ForAll @IntRange(min = 0, max = 400) int seen,
                                                                  @ForAll boolean pageZero) {
        // The client saw everything up to `seen`, and `seen` is still in history (or nothing was published yet).
        long lastSeen = Math.min(seen, topic.last());
        if (lastSeen < topic.firstRetained() - 1) {
            lastSeen = topic.firstRetained() - 1;
        }
        ResumePlan plan = topic.plan(new StartPosition(lastSeen + 1, pageZero ? 0 : PAGE));

        assertThat(plan.discontinuity()).isNull();
        List<Long> expected = LongStream.rangeClosed(lastSeen + 1, topic.last() + 3).boxed().toList();
        assertThat(topic.delivered(plan, 3)).isEqualTo(expected);
    }

    @Property
    void resumingAtLastRedeliversOnlyTheLastSeenMessage(@ForAll("topics") Topic topic) {
        // Go and Rust clients resume with the last sequence they saw.
        if (topic.last() == 0 || topic.firstRetained() > topic.last()) {
            return;
        }
        ResumePlan plan = topic.plan(new StartPosition(topic.last(), PAGE));
        assertThat(plan.discontinuity()).isNull();
        assertThat(topic.delivered(plan, 1)).containsExactly(topic.last(), topic.last() + 1);
    }

    @Property
    void liveOnlyNeverReplays(@ForAll("topics") Topic topic, @ForAll("pages") long page) {
        ResumePlan plan = topic.plan(new StartPosition(0, page));
        assertThat(plan.discontinuity()).isNull();
        assertThat(plan.replayFrom()).isEqualTo(topic.last() + 1);
        assertThat(topic.delivered(plan, 2)).containsExactly(topic.last() + 1, topic.last() + 2);
    }

    @Property
    void aPlanNeverPromisesAMessageNoLongerRetained(@ForAll("topics") Topic topic,
                                                   @ForAll @LongRange(min = 0, max = 400) long wanted,
                                                   @ForAll("pages") long page) {
        ResumePlan plan = topic.plan(new StartPosition(wanted, page));
        assertThat(plan.replayFrom()).isBetween(topic.firstRetained(), topic.last() + 1);
        List<Long> delivered = topic.delivered(plan, 2);
        for (int i = 1; i < delivered.size(); i++) {
            assertThat(delivered.get(i)).as("contiguous after the start").isEqualTo(delivered.get(i - 1) + 1);
        }
    }
}
