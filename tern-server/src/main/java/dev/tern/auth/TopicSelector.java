package dev.tern.auth;

/** Which topics of a cache a permission covers: all, one by name, or those whose name starts with a prefix. */
public record TopicSelector(Kind kind, String value) {
    public enum Kind { ALL, NAME, PREFIX }

    public static final TopicSelector ALL = new TopicSelector(Kind.ALL, null);

    public static TopicSelector named(String name) {
        return new TopicSelector(Kind.NAME, name);
    }

    public static TopicSelector prefix(String prefix) {
        return new TopicSelector(Kind.PREFIX, prefix);
    }

    public boolean matches(String topicName) {
        return switch (kind) {
            case ALL -> true;
            case NAME -> value.equals(topicName);
            case PREFIX -> topicName.startsWith(value);
        };
    }
}
