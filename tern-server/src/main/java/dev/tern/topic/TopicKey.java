package dev.tern.topic;

/** A topic's identity: the cache that holds it and its name. Names are validated before a key is made. */
public record TopicKey(String cacheName, String topicName) {
    @Override
    public String toString() {
        return cacheName + "/" + topicName;
    }
}
