package dev.tern.topic;

/**
 * The one rule for where a subscription starts, given what the topic still holds. Pure, so that it is tested
 * exhaustively on its own and shared by every engine.
 *
 * @param discontinuity sent first when the requested position cannot be honoured, else null
 * @param replayFrom    the first sequence number to deliver; every retained message from here on is replayed
 */
public record ResumePlan(Discontinuity discontinuity, long replayFrom) {

    /**
     * @param currentPage    the topic's page now
     * @param firstRetained  the oldest sequence number still in history ({@code lastSequence + 1} when history is empty)
     * @param lastSequence   the newest sequence number assigned on this page (0 before the first publish)
     * @param requested      where the client asked to start
     */
    public static ResumePlan of(long currentPage, long firstRetained, long lastSequence, StartPosition requested) {
        long next = lastSequence + 1;
        if (requested.isLiveOnly()) {
            return new ResumePlan(null, next);
        }
        long wanted = requested.sequenceNumber();
        boolean samePage = requested.sequencePage() == 0 || requested.sequencePage() == currentPage;
        if (!samePage) {
            return gap(wanted, firstRetained, currentPage);
        }
        if (wanted < firstRetained) {
            return gap(wanted, firstRetained, currentPage);
        }
        if (wanted > next) {
            // The client is ahead of the topic: its position belongs to a sequence the topic never reached.
            return gap(wanted, next, currentPage);
        }
        return new ResumePlan(null, wanted);
    }

    private static ResumePlan gap(long wanted, long resumeAt, long page) {
        return new ResumePlan(new Discontinuity(wanted - 1, resumeAt, page), resumeAt);
    }
}
