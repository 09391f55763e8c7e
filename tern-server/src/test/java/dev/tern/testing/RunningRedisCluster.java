package dev.tern.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster of three masters, with or without a replica each, on free loopback ports, created with
 * {@code redis-cli --cluster create} as an operator would. Skipped or failed like {@link RunningRedis} when
 * {@code redis-server} (or {@code redis-cli}) is missing.
 */
public final class RunningRedisCluster implements AutoCloseable {
    private final List<RunningRedis> nodes = new ArrayList<>();
    private final List<RunningRedis> masters = new ArrayList<>();
    private final int replicasPerMaster;

    private RunningRedisCluster(int replicasPerMaster) {
        this.replicasPerMaster = replicasPerMaster;
    }

    /** Three masters, no replicas. */
    public static RunningRedisCluster start() {
        return start(0, 2000);
    }

    /**
     * Three masters with {@code replicasPerMaster} replicas each; {@code nodeTimeoutMillis} is the cluster's
     * {@code cluster-node-timeout}, after which a silent primary is failed over to its replica.
     */
    public static RunningRedisCluster start(int replicasPerMaster, int nodeTimeoutMillis) {
        RunningRedisCluster cluster = new RunningRedisCluster(replicasPerMaster);
        try {
            for (int i = 0; i < 3 * (1 + replicasPerMaster); i++) {
                cluster.nodes.add(RunningRedis.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", Integer.toString(nodeTimeoutMillis)));
            }
            cluster.create();
            for (RunningRedis node : cluster.nodes) {
                if (node.bulk("INFO", "replication").contains("role:master")) {
                    cluster.masters.add(node);
                }
            }
            for (RunningRedis master : cluster.masters) {
                for (int i = 0; i < replicasPerMaster; i++) {
                    Polling.until(() -> replicaOf(cluster, master) != null, "a replica of port " + master.port() + " in sync", 30);
                }
            }
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private static RunningRedis replicaOf(RunningRedisCluster cluster, RunningRedis master) {
        for (RunningRedis node : cluster.nodes) {
            if (node == master) {
                continue;
            }
            try {
                List<String> info = List.of(node.bulk("INFO", "replication").split("\\r?\\n"));
                if (info.contains("master_port:" + master.port()) && info.contains("master_link_status:up")) {
                    return node;
                }
            } catch (java.io.UncheckedIOException down) {
                // a killed node
            }
        }
        return null;
    }

    /** The replica (in sync) of a master. */
    public RunningRedis replicaOf(RunningRedis master) {
        RunningRedis replica = replicaOf(this, master);
        if (replica == null) {
            throw new IllegalStateException("no replica in sync with port " + master.port());
        }
        return replica;
    }

    /** The port of the node that owns the slot of a key (or of a hash tag such as {@code "{cache/topic}"}). */
    public int ownerPort(String key) {
        for (RunningRedis node : masters) {
            try {
                int slot = Integer.parseInt(node.command("CLUSTER", "KEYSLOT", key).substring(1));
                for (String line : node.bulk("CLUSTER", "NODES").split("\n")) {
                    String[] fields = line.trim().split(" ");
                    if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
                        continue;
                    }
                    for (int i = 8; i < fields.length; i++) {
                        String[] range = fields[i].split("-");
                        if (range[0].startsWith("[")) {
                            continue;
                        }
                        int start = Integer.parseInt(range[0]);
                        int end = range.length > 1 ? Integer.parseInt(range[1]) : start;
                        if (slot >= start && slot <= end) {
                            String address = fields[1].split("@")[0];
                            return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
                        }
                    }
                }
            } catch (java.io.UncheckedIOException down) {
                // ask another node
            }
        }
        throw new IllegalStateException("no live node knows the owner of " + key);
    }

    /**
     * Waits until {@code promoted} is a master and every live node reports {@code cluster_state:ok} (the cluster
     * failed over away from a killed master).
     */
    public void awaitPromotion(RunningRedis promoted, long seconds) {
        Polling.until(() -> {
            try {
                if (!promoted.bulk("INFO", "replication").contains("role:master")) {
                    return false;
                }
                for (RunningRedis node : nodes) {
                    if (node.isRunning() && !node.bulk("CLUSTER", "INFO").contains("cluster_state:ok")) {
                        return false;
                    }
                }
                return true;
            } catch (java.io.UncheckedIOException notYet) {
                return false;
            }
        }, "port " + promoted.port() + " promoted and the cluster ok", seconds);
    }

    private void create() {
        String cli = RunningRedis.binary("redis-cli");
        if (cli == null) {
            throw new AssertionError("redis-server is installed but redis-cli is not (apt-get install redis-tools)");
        }
        List<String> command = new ArrayList<>(List.of(cli, "--cluster", "create"));
        for (RunningRedis node : nodes) {
            command.add("127.0.0.1:" + node.port());
        }
        command.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
        try {
            Path log = Files.createTempFile("redis-cluster-create", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create failed: " + Files.readString(log));
            }
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            boolean ok = true;
            for (RunningRedis node : nodes) {
                ok &= node.command("CLUSTER", "INFO").startsWith("$") && node.bulk("CLUSTER", "INFO").contains("cluster_state:ok");
            }
            if (ok) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("the Redis Cluster did not reach cluster_state:ok");
    }

    /** Seed URLs of every master (as created), comma-separated, as {@code --redis-url} takes them. */
    public String seedUrls() {
        List<String> urls = new ArrayList<>();
        for (RunningRedis master : masters) {
            urls.add(master.url());
        }
        return String.join(",", urls);
    }

    /** The masters as the cluster was created (a failover does not change this list). */
    public List<RunningRedis> masters() {
        return masters;
    }

    @Override
    public void close() {
        for (RunningRedis node : nodes) {
            node.close();
        }
    }
}
