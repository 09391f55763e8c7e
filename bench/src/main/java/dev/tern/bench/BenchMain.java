package dev.tern.bench;

import dev.tern.bench.soak.SoakCommand;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The load generator used by bench/run and bench/soak. {@code run} measures one workload on one target; {@code report}
 * tabulates; {@code soak} runs the long mixed load and its checks ({@link SoakCommand}).
 */
@Command(name = "tern-bench", mixinStandardHelpOptions = true,
        subcommands = {BenchMain.Run.class, BenchMain.Write.class, BenchMain.Peer.class, SoakCommand.class})
public final class BenchMain {

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run one workload against one server.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--workload", required = true, description = "publish | fanout | topics | idle | grpc-publish | grpc-fanout | websocket-fanout | multi-topic (Tern: --subscribers clients x --topics-per-subscriber) | webhook-throughput | webhook-latency | webhook-large-answers (--subscribers: webhooks)")
        String workload;
        @Option(names = "--label", required = true, description = "Workload name in the table.")
        String label;
        @Option(names = "--target", required = true, description = "tern | nchan")
        String target;
        @Option(names = "--host", defaultValue = "127.0.0.1")
        String host;
        @Option(names = "--port", required = true, description = "Where publishers (and by default subscribers) connect.")
        int port;
        @Option(names = "--subscriber-port", description = "Where subscribers connect, when not --port: another node.")
        Integer subscriberPort;
        @Option(names = "--cache", defaultValue = "bench")
        String cache;
        @Option(names = "--token", description = "Sent as the Authorization header.")
        String token;
        @Option(names = "--subscriber-hosts", split = ",", defaultValue = "127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4")
        List<String> subscriberHosts;
        @Option(names = "--connections", defaultValue = "64", description = "Publishing connections (lanes).")
        int connections;
        @Option(names = "--topics", defaultValue = "1")
        int topics;
        @Option(names = "--subscribers", defaultValue = "0")
        int subscribers;
        @Option(names = "--rate", defaultValue = "0", description = "Publishes/s in total; 0 = as fast as answered.")
        double rate;
        @Option(names = "--warmup", defaultValue = "3", description = "Seconds.")
        double warmup;
        @Option(names = "--duration", defaultValue = "10", description = "Seconds measured.")
        double duration;
        @Option(names = "--metrics", split = ",", defaultValue = "publishes",
                description = "publishes, deliveries, latency, p99, cpu")
        List<String> metrics;
        @Option(names = "--pids", split = ",", description = "Server process ids whose memory and CPU time are measured.")
        List<Long> pids = new ArrayList<>();
        @Option(names = "--out", required = true, description = "Result file (appended).")
        Path out;
        @Option(names = "--streams-per-connection", defaultValue = "100",
                description = "gRPC Subscribe streams multiplexed on one HTTP/2 connection (1: a connection each).")
        int streamsPerConnection;
        @Option(names = "--grpc-publisher", defaultValue = "frames",
                description = "gRPC workloads' publishers: frames (HTTP/2 frames on raw connections, like the HTTP "
                        + "publishers' pre-encoded requests) | grpc-java (the Java SDK's client library)")
        String grpcPublisher;
        @Option(names = "--grpc-subscriber", defaultValue = "frames",
                description = "gRPC workloads' subscribers: frames (Subscribe streams as HTTP/2 frames on raw "
                        + "connections, like the SSE subscribers) | grpc-java (the Java SDK's client library)")
        String grpcSubscriber;
        @Option(names = "--topics-per-subscriber", defaultValue = "20",
                description = "multi-topic: topics each client follows (--subscribers clients).")
        int topicsPerSubscriber;
        @Option(names = "--connection-per-topic",
                description = "multi-topic: one SSE connection per topic instead of one multi-topic stream per client.")
        boolean connectionPerTopic;
        @Option(names = "--gc-log", description = "The server's -Xlog:gc file: pauses in the measurement window are reported.")
        Path gcLog;
        @Option(names = "--latency-trace", description = "Write, per subscriber connection, the longest latency of "
                + "each second's messages since publishing began (warm-up included) to this file.")
        Path latencyTrace;

        @Override
        public Integer call() throws Exception {
            // Subscribers read on one loop per core; publishers get a loop of their own, so that a flood of
            // deliveries never delays the next publish (which would lower the offered load).
            int subscriberLoops = Runtime.getRuntime().availableProcessors();
            Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
                    .setEventLoopPoolSize(subscriberLoops + 1));
            List<Context> all = EventLoops.of(vertx, subscriberLoops + 1);
            List<Context> loops = all.subList(0, subscriberLoops);
            List<Context> publisherLoops = all.subList(subscriberLoops, subscriberLoops + 1);
            Target server = new Target(target, host, port, subscriberPort == null ? port : subscriberPort, cache, token,
                    subscriberHosts);
            if (!grpcPublisher.equals("frames") && !grpcPublisher.equals("grpc-java")) {
                System.err.println("unknown --grpc-publisher " + grpcPublisher);
                return 2;
            }
            if (!grpcSubscriber.equals("frames") && !grpcSubscriber.equals("grpc-java")) {
                System.err.println("unknown --grpc-subscriber " + grpcSubscriber);
                return 2;
            }
            Workloads workloads = new Workloads(vertx, loops, publisherLoops, server, streamsPerConnection,
                    grpcPublisher, grpcSubscriber, gcLog, latencyTrace);
            ResultSink sink = new ResultSink(out, label, target);
            System.out.println("== " + label + " on " + target);
            try {
                switch (workload) {
                    case "publish":
                    case "fanout":
                    case "topics":
                    case "grpc-publish":
                    case "grpc-fanout":
                    case "websocket-fanout":
                        workloads.publishLoad(sink, workload.startsWith("grpc-") ? "grpc"
                                        : workload.startsWith("websocket-") ? "websocket" : "sse", connections, topics, subscribers, rate,
                                (long) (warmup * 1000), (long) (duration * 1000), metrics, pids);
                        break;
                    case "multi-topic":
                        workloads.multiTopicLoad(sink, subscribers, topicsPerSubscriber, connectionPerTopic, connections,
                                rate, (long) (warmup * 1000), (long) (duration * 1000), metrics, pids);
                        break;
                    case "idle":
                        workloads.idleSubscribers(sink, subscribers, pids);
                        break;
                    case "webhook-throughput":
                        new WebhookLoad(vertx, loops, publisherLoops.get(0), server, pids).throughput(sink, subscribers,
                                (long) (warmup * 1000), (long) (duration * 1000));
                        break;
                    case "webhook-latency":
                        new WebhookLoad(vertx, loops, publisherLoops.get(0), server, pids).latency(sink, rate,
                                (long) (warmup * 1000), (long) (duration * 1000));
                        break;
                    case "webhook-large-answers":
                        new WebhookLoad(vertx, loops, publisherLoops.get(0), server, pids).largeAnswers(sink,
                                subscribers == 0 ? 10 : subscribers, rate == 0 ? 20 : rate, (long) (warmup * 1000),
                                (long) (duration * 1000));
                        break;
                    default:
                        System.err.println("unknown workload " + workload);
                        return 2;
                }
            } finally {
                Blocking.await(vertx.close());
            }
            return 0;
        }
    }

    @Command(name = "grpc-peer", mixinStandardHelpOptions = true,
            description = "Serve Momento Publish/Subscribe on plain grpc-java until stopped: the gRPC rows' peer.")
    static final class Peer implements Callable<Integer> {
        @Option(names = "--host", defaultValue = "127.0.0.1")
        String host;
        @Option(names = "--port", required = true)
        int port;

        @Override
        public Integer call() throws Exception {
            io.grpc.Server server = GrpcPeer.start(host, port);
            System.out.println("grpc-java peer listening on " + host + ":" + port);
            server.awaitTermination();
            return 0;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Print the results as a Markdown table and write the performance document.")
    static final class Write implements Callable<Integer> {
        @Option(names = "--results", required = true)
        Path results;
        @Option(names = "--template", required = true, description = "Document with {{TABLE}}, {{NOTES}}, {{MACHINE}}.")
        Path template;
        @Option(names = "--machine", required = true, description = "Machine description (Markdown).")
        Path machine;
        @Option(names = "--doc", required = true, description = "Where the document is written.")
        Path doc;

        @Override
        public Integer call() throws Exception {
            Report report = Report.read(results);
            String table = report.table();
            System.out.println();
            System.out.print(table);
            System.out.println();
            System.out.print(report.notes());
            String text = Files.readString(template, StandardCharsets.UTF_8)
                    .replace("{{TABLE}}", table)
                    .replace("{{NOTES}}", report.notes())
                    .replace("{{MACHINE}}", Files.readString(machine, StandardCharsets.UTF_8));
            Files.writeString(doc, text, StandardCharsets.UTF_8);
            System.out.println("wrote " + doc);
            return 0;
        }
    }
}
