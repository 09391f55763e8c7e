package dev.tern.topic;

/** Where a published message was placed. */
public record PublishReceipt(long sequencePage, long sequenceNumber) {
}
