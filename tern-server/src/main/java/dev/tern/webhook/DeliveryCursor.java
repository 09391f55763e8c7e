package dev.tern.webhook;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How far a webhook's delivery got: the last message the receiver confirmed, by sequence page and number. A cursor of
 * page 0 means nothing was delivered yet (delivery starts with the topic's next message).
 */
public record DeliveryCursor(
        @JsonProperty("sequence_page") long sequencePage,
        @JsonProperty("last_sequence_number") long lastSequenceNumber) {

    public static final DeliveryCursor NONE = new DeliveryCursor(0, 0);

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isNone() {
        return sequencePage == 0 && lastSequenceNumber == 0;
    }

    /** {@code page:seq}, the form Redis keeps. */
    public String encode() {
        return sequencePage + ":" + lastSequenceNumber;
    }

    public static DeliveryCursor decode(String encoded) {
        int colon = encoded.indexOf(':');
        return new DeliveryCursor(Long.parseLong(encoded.substring(0, colon)), Long.parseLong(encoded.substring(colon + 1)));
    }
}
