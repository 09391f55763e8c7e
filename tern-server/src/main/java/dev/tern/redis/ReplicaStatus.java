package dev.tern.redis;

/** What a primary's {@code INFO replication} says about its replicas. */
final class ReplicaStatus {
    private ReplicaStatus() {
    }

    /**
     * The replicas that are online and acknowledged the replication stream recently: {@code lag} (seconds since the
     * replica's last acknowledgement, sent every second) within the request timeout, at least one second.
     */
    static int confirmingReplicas(String info, long timeoutMillis) {
        long patienceSeconds = Math.max(1, (timeoutMillis + 999) / 1000);
        int count = 0;
        for (String line : info.split("\r?\n")) {
            if (!line.matches("slave\\d+:.*")) {
                continue;
            }
            boolean online = false;
            long lag = Long.MAX_VALUE;
            for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
                if (field.equals("state=online")) {
                    online = true;
                } else if (field.startsWith("lag=")) {
                    try {
                        lag = Long.parseLong(field.substring(4).trim());
                    } catch (NumberFormatException ignored) {
                        // stays unknown: not counted
                    }
                }
            }
            if (online && lag <= patienceSeconds) {
                count++;
            }
        }
        return count;
    }
}
