package dev.tern.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis primary, one replica and three Sentinels watching them (as {@code mymaster}), all real processes on free
 * loopback ports, with short failure detection (1 s) so a failover takes a few seconds. Skipped or failed like
 * {@link RunningRedis} when {@code redis-server} is missing (it also runs the Sentinels: {@code --sentinel}).
 */
public final class RunningRedisSentinel implements AutoCloseable {
    public static final String MASTER_NAME = "mymaster";
    private final List<RunningRedis> servers = new ArrayList<>();
    private final List<Process> sentinels = new ArrayList<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();
    /** The password the Sentinels require ({@code requirepass}), or null. */
    private final String sentinelPassword;
    private Path dir;

    private RunningRedisSentinel(String sentinelPassword) {
        this.sentinelPassword = sentinelPassword;
    }

    public static RunningRedisSentinel start() {
        return start(null);
    }

    /** As {@link #start()}, with Sentinels that require {@code sentinelPassword} (of clients and of each other). */
    public static RunningRedisSentinel start(String sentinelPassword) {
        RunningRedisSentinel setup = new RunningRedisSentinel(sentinelPassword);
        try {
            RunningRedis primary = RunningRedis.start();
            setup.servers.add(primary);
            setup.servers.add(RunningRedis.start("--replicaof", "127.0.0.1", Integer.toString(primary.port())));
            setup.dir = Files.createTempDirectory("tern-sentinel");
            for (int i = 0; i < 3; i++) {
                setup.startSentinel(primary.port());
            }
            Polling.until(() -> setup.replicaInSync(setup.servers.get(1)), "the replica to sync", 30);
            Polling.until(setup::sentinelsAgree, "the Sentinels to find the replica and each other", 30);
            return setup;
        } catch (IOException e) {
            setup.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            setup.close();
            throw e;
        }
    }

    private void startSentinel(int primaryPort) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path config = dir.resolve("sentinel-" + port + ".conf");
        Files.writeString(config, String.join("\n",
                "port " + port,
                "bind 127.0.0.1",
                "protected-mode no",
                "dir " + dir,
                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + primaryPort + " 2",
                "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                "sentinel failover-timeout " + MASTER_NAME + " 4000",
                "sentinel parallel-syncs " + MASTER_NAME + " 1",
                sentinelPassword == null ? "" : "requirepass " + sentinelPassword,
                sentinelPassword == null ? "" : "sentinel sentinel-pass " + sentinelPassword,
                ""));
        Process process = new ProcessBuilder(RunningRedis.binary("redis-server"), config.toString(), "--sentinel")
                .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel-" + port + ".log").toFile()).start();
        sentinels.add(process);
        sentinelPorts.add(port);
        Polling.until(() -> {
            try {
                return RunningRedis.bulkAtAuthenticated(port, sentinelPassword, "PING").equals("+PONG");
            } catch (UncheckedIOException notYet) {
                return false;
            }
        }, "Sentinel on port " + port + " to start", 30);
    }

    private boolean replicaInSync(RunningRedis replica) {
        try {
            return replica.bulk("INFO", "replication").contains("master_link_status:up");
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private boolean sentinelsAgree() {
        for (int port : sentinelPorts) {
            String info = sentinelInfo(port);
            if (!info.contains("status=ok") || !info.contains("slaves=1") || !info.contains("sentinels=3")) {
                return false;
            }
        }
        return true;
    }

    private String sentinelInfo(int port) {
        try {
            String info = RunningRedis.bulkAtAuthenticated(port, sentinelPassword, "INFO", "sentinel");
            return info == null ? "" : info;
        } catch (UncheckedIOException e) {
            return "";
        }
    }

    /**
     * {@code redis+sentinel://} URL of the three Sentinels and the primary's name, as {@code --redis-url} takes it
     * (with the Sentinels' password, if they require one).
     */
    public String url() {
        return urlWithoutPassword() + (sentinelPassword == null ? "" : "?sentinel_password=" + sentinelPassword);
    }

    /** {@link #url()} without the Sentinels' password. */
    public String urlWithoutPassword() {
        StringBuilder url = new StringBuilder("redis+sentinel://");
        for (int i = 0; i < sentinelPorts.size(); i++) {
            url.append(i == 0 ? "" : ",").append("127.0.0.1:").append(sentinelPorts.get(i));
        }
        return url.append('/').append(MASTER_NAME).toString();
    }

    public List<Integer> sentinelPorts() {
        return List.copyOf(sentinelPorts);
    }

    /** The server the Sentinels name as primary now. */
    public RunningRedis primary() {
        int port = primaryPort();
        return servers.stream().filter(s -> s.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("no server on the primary's port " + port));
    }

    public RunningRedis replica() {
        int port = primaryPort();
        return servers.stream().filter(s -> s.port() != port).findFirst().orElseThrow();
    }

    private int primaryPort() {
        for (int port : sentinelPorts) {
            String info = sentinelInfo(port);
            int at = info.indexOf("address=127.0.0.1:");
            if (at >= 0) {
                int start = at + "address=127.0.0.1:".length();
                int end = start;
                while (end < info.length() && Character.isDigit(info.charAt(end))) {
                    end++;
                }
                return Integer.parseInt(info.substring(start, end));
            }
        }
        throw new IllegalStateException("no Sentinel names a primary");
    }

    /** Waits until every live Sentinel names another primary than {@code before} (a failover happened). */
    public void awaitPrimaryOtherThan(RunningRedis before, long seconds) {
        Polling.until(() -> {
            for (int port : sentinelPorts) {
                String info = sentinelInfo(port);
                if (info.contains("address=127.0.0.1:" + before.port() + ",") || info.isEmpty()) {
                    return false;
                }
            }
            return true;
        }, "a failover away from port " + before.port(), seconds);
    }

    @Override
    public void close() {
        for (Process sentinel : sentinels) {
            sentinel.destroyForcibly();
        }
        for (Process sentinel : sentinels) {
            try {
                sentinel.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (RunningRedis server : servers) {
            server.close();
        }
        if (dir != null) {
            try (var paths = Files.walk(dir)) {
                paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort: a temp directory
            }
        }
    }
}
