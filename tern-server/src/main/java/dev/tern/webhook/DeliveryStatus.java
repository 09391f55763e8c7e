package dev.tern.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What listing a webhook shows of its delivery.
 *
 * @param delivering        true when this node delivers the webhook now (with several nodes, one of them does)
 * @param sequencePage      the cursor's page: the last message the receiver confirmed
 * @param lastSequenceNumber the cursor's sequence number
 * @param lagMessages       messages published after the cursor that this node has seen and not yet delivered
 * @param failedAttempts    attempts failed in a row at the message now being delivered
 * @param lastError         why the last attempt failed; null after a success
 * @param nextAttemptAt     when the next retry is due (epoch ms); null when none is waiting
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DeliveryStatus(
        @JsonProperty("delivering") boolean delivering,
        @JsonProperty("sequence_page") long sequencePage,
        @JsonProperty("last_sequence_number") long lastSequenceNumber,
        @JsonProperty("lag_messages") long lagMessages,
        @JsonProperty("failed_attempts") int failedAttempts,
        @JsonProperty("last_error") String lastError,
        @JsonProperty("next_attempt_at") Long nextAttemptAt) {

    /** A webhook another node delivers (or none yet): only its stored cursor is known here. */
    public static DeliveryStatus elsewhere(DeliveryCursor cursor) {
        return new DeliveryStatus(false, cursor.sequencePage(), cursor.lastSequenceNumber(), 0, 0, null, null);
    }
}
