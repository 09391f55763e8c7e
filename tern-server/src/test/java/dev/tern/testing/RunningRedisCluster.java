package dev.tern.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster of three masters (no replicas) on free loopback ports, created with
 * {@code redis-cli --cluster create} as an operator would. Skipped or failed like {@link RunningRedis} when
 * {@code redis-server} (or {@code redis-cli}) is missing.
 */
public final class RunningRedisCluster implements AutoCloseable {
    private final List<RunningRedis> masters = new ArrayList<>();

    private RunningRedisCluster() {
    }

    public static RunningRedisCluster start() {
        RunningRedisCluster cluster = new RunningRedisCluster();
        try {
            for (int i = 0; i < 3; i++) {
                cluster.masters.add(RunningRedis.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "2000"));
            }
            cluster.create();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void create() {
        String cli = RunningRedis.binary("redis-cli");
        if (cli == null) {
            throw new AssertionError("redis-server is installed but redis-cli is not (apt-get install redis-tools)");
        }
        List<String> command = new ArrayList<>(List.of(cli, "--cluster", "create"));
        for (RunningRedis master : masters) {
            command.add("127.0.0.1:" + master.port());
        }
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
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
            for (RunningRedis master : masters) {
                ok &= master.command("CLUSTER", "INFO").startsWith("$") && master.bulk("CLUSTER", "INFO").contains("cluster_state:ok");
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

    /** Seed URLs of every master, comma-separated, as {@code --redis-url} takes them. */
    public String seedUrls() {
        List<String> urls = new ArrayList<>();
        for (RunningRedis master : masters) {
            urls.add(master.url());
        }
        return String.join(",", urls);
    }

    public List<RunningRedis> masters() {
        return masters;
    }

    @Override
    public void close() {
        for (RunningRedis master : masters) {
            master.close();
        }
    }
}
