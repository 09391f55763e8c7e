package dev.tern.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The history of one topic under test, as clients saw it: every publish and its outcome, and for every subscriber
 * (any transport) what it received, in order: items with their position and discontinuities. {@link #check()} then
 * tells what went wrong, position by position. Values must be unique per publish (e.g. {@code "a-17"}).
 * <p>
 * Rules: a position ({@code page/sequence}) never carries two different values; a value is never delivered under two
 * positions; each subscriber's items follow each other (next number on the same page) unless a discontinuity came
 * first; every acknowledged publish reaches every subscriber, or a discontinuity that subscriber received skipped
 * its position. Thread-safe: publishers and subscribers record from their own threads.
 */
public final class PublishHistory {
    /** How a publish ended for its client. */
    public enum Outcome { ACKNOWLEDGED, REFUSED, NO_ANSWER }

    private final Map<String, Outcome> publishes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<Subscriber> subscribers = Collections.synchronizedList(new ArrayList<>());

    public void published(String value, Outcome outcome) {
        publishes.put(value, outcome);
    }

    /** Records an HTTP publish: 204 acknowledged, another status refused, -1 (no answer) unknown. */
    public void publishedWithStatus(String value, int status) {
        published(value, status == 204 ? Outcome.ACKNOWLEDGED : status < 0 ? Outcome.NO_ANSWER : Outcome.REFUSED);
    }

    public Subscriber subscriber(String name) {
        Subscriber subscriber = new Subscriber(name);
        subscribers.add(subscriber);
        return subscriber;
    }

    public List<String> acknowledged() {
        synchronized (publishes) {
            return publishes.entrySet().stream().filter(e -> e.getValue() == Outcome.ACKNOWLEDGED).map(Map.Entry::getKey).toList();
        }
    }

    public long count(Outcome outcome) {
        synchronized (publishes) {
            return publishes.values().stream().filter(o -> o == outcome).count();
        }
    }

    /** One subscriber's discontinuities with the item before and after each, for a report. */
    public String describeDiscontinuities(int index) {
        List<Object> events = subscribers.get(index).events();
        StringBuilder text = new StringBuilder(subscribers.get(index).name).append(':');
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof Gap) {
                text.append(' ').append(i > 0 ? events.get(i - 1) : "-").append(" => ").append(events.get(i))
                        .append(" => ").append(i + 1 < events.size() ? events.get(i + 1) : "-").append(';');
            }
        }
        return text.toString();
    }

    public long subscribersWithoutItems() {
        synchronized (subscribers) {
            return subscribers.stream().filter(s -> s.itemCount() == 0).count();
        }
    }

    public List<Integer> discontinuitiesPerSubscriber() {
        synchronized (subscribers) {
            return subscribers.stream().map(Subscriber::discontinuityCount).toList();
        }
    }

    /** True when every subscriber received (or skipped by a discontinuity) every acknowledged publish. */
    public boolean settled() {
        return check().uncovered().isEmpty();
    }

    /** What one subscriber received, in order. */
    public static final class Subscriber {
        final String name;
        private final List<Object> events = new ArrayList<>();
        private long page;
        private long next;

        Subscriber(String name) {
            this.name = name;
        }

        public synchronized void item(long itemPage, long sequence, String value) {
            events.add(new Item(itemPage, sequence, value, page != 0 && (itemPage != page || sequence != next)));
            page = itemPage;
            next = sequence + 1;
        }

        public synchronized void discontinuity(long newSequence, long newPage) {
            events.add(new Gap(page, next - 1, newPage, newSequence));
            page = newPage;
            next = newSequence;
        }

        synchronized List<Object> events() {
            return new ArrayList<>(events);
        }

        public synchronized int itemCount() {
            return (int) events.stream().filter(e -> e instanceof Item).count();
        }

        public synchronized int discontinuityCount() {
            return (int) events.stream().filter(e -> e instanceof Gap).count();
        }
    }

    record Item(long page, long sequence, String value, boolean unannounced) {
    }

    /** Skipped: from after {@code (fromPage, lastSeen)} up to before {@code (toPage, toSequence)}. */
    record Gap(long fromPage, long lastSeen, long toPage, long toSequence) {
        boolean skips(long page, long sequence) {
            boolean afterStart = page > fromPage || (page == fromPage && sequence > lastSeen);
            boolean beforeEnd = page < toPage || (page == toPage && sequence < toSequence);
            return afterStart && beforeEnd;
        }
    }

    /** What {@link #check()} found. */
    public record Report(List<String> conflicts, List<String> duplicates, List<String> unannounced,
                         List<String> uncovered, List<String> lost, int acknowledged, int subscribers) {
        /** Violations of the rules that hold whatever the durability setting. */
        public List<String> positionViolations() {
            List<String> all = new ArrayList<>(conflicts);
            all.addAll(duplicates);
            all.addAll(unannounced);
            return all;
        }

        @Override
        public String toString() {
            return "acknowledged=" + acknowledged + " subscribers=" + subscribers + " conflicts=" + conflicts
                    + " duplicates=" + duplicates + " unannounced=" + unannounced + " uncovered=" + cap(uncovered)
                    + " lost=" + cap(lost);
        }

        private static List<String> cap(List<String> list) {
            return list.size() <= 20 ? list : List.copyOf(list.subList(0, 20));
        }
    }

    public Report check() {
        List<String> conflicts = new ArrayList<>();
        List<String> duplicates = new ArrayList<>();
        List<String> unannounced = new ArrayList<>();
        Map<String, String> valueAt = new HashMap<>();
        Map<String, long[]> positionOf = new HashMap<>();
        List<Subscriber> all;
        synchronized (subscribers) {
            all = List.copyOf(subscribers);
        }
        Map<Subscriber, List<Object>> seen = new LinkedHashMap<>();
        for (Subscriber subscriber : all) {
            List<Object> events = subscriber.events();
            seen.put(subscriber, events);
            Set<String> mine = new HashSet<>();
            for (Object event : events) {
                if (!(event instanceof Item item)) {
                    continue;
                }
                String position = item.page + "/" + item.sequence;
                String before = valueAt.putIfAbsent(position, item.value);
                if (before != null && !before.equals(item.value)) {
                    conflicts.add(position + " carries " + before + " and " + item.value + " (" + subscriber.name + ")");
                }
                long[] where = positionOf.putIfAbsent(item.value, new long[] {item.page, item.sequence});
                if (where != null && (where[0] != item.page || where[1] != item.sequence)) {
                    duplicates.add(item.value + " delivered at " + where[0] + "/" + where[1] + " and " + position
                            + " (" + subscriber.name + ")");
                } else if (!mine.add(item.value)) {
                    duplicates.add(item.value + " delivered twice to " + subscriber.name);
                }
                if (item.unannounced) {
                    unannounced.add(subscriber.name + " got " + position + " without a discontinuity before it");
                }
            }
        }
        List<String> uncovered = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        List<String> acknowledged = acknowledged();
        for (String value : acknowledged) {
            long[] position = positionOf.get(value);
            if (position == null) {
                lost.add(value);
                continue;
            }
            for (Map.Entry<Subscriber, List<Object>> entry : seen.entrySet()) {
                boolean received = false;
                boolean skipped = false;
                for (Object event : entry.getValue()) {
                    if (event instanceof Item item && item.value.equals(value)) {
                        received = true;
                    } else if (event instanceof Gap gap && gap.skips(position[0], position[1])) {
                        skipped = true;
                    }
                }
                if (!received && !skipped) {
                    uncovered.add(value + "@" + position[0] + "/" + position[1] + " never reached " + entry.getKey().name);
                }
            }
        }
        return new Report(conflicts, duplicates, unannounced, uncovered, lost, acknowledged.size(), all.size());
    }
}
