package dev.tern.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request: client, method, path, status, bytes, milliseconds, and for a gRPC call its gRPC status
 * ({@code grpc-status=5}); with {@code --log-format json} each is also a field of its own. The path is logged
 * without its query, so a {@code ?token=} never reaches the log.
 */
public final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.tern.access");
    private static final String GRPC_STATUS = "grpc-status";

    private AccessLog() {
    }

    /** Logs the request once its response is complete. */
    public static void track(HttpServerRequest request) {
        long started = System.nanoTime();
        HttpServerResponse response = request.response();
        response.bodyEndHandler(v -> log(request.remoteAddress() == null ? "-" : request.remoteAddress().hostAddress(),
                request.method().name(), request.path(), response.getStatusCode(), response.bytesWritten(),
                (System.nanoTime() - started) / 1_000_000, grpcStatus(response)));
    }

    /**
     * The line for one request; {@code grpcStatus} null for anything but a gRPC call. For answers written without
     * Vert.x's request object (gRPC Publish on the HTTP/2 codec) as for the others.
     */
    public static void log(String client, String method, String path, int status, long bytes, long millis,
                           String grpcStatus) {
        var line = LOG.atInfo().addKeyValue("client", client).addKeyValue("method", method).addKeyValue("path", path)
                .addKeyValue("status", status).addKeyValue("bytes", bytes).addKeyValue("ms", millis);
        if (grpcStatus != null) {
            line = line.addKeyValue(GRPC_STATUS, grpcStatus);
        }
        line.log("{} {} {} {} {} {}ms{}", client, method, path, status, bytes, millis,
                grpcStatus == null ? "" : " grpc-status=" + grpcStatus);
    }

    /** The gRPC status of a gRPC answer (in the trailers, or in the headers of a trailers-only answer), else null. */
    private static String grpcStatus(HttpServerResponse response) {
        String status = response.trailers().get(GRPC_STATUS);
        if (status == null) {
            status = response.headers().get(GRPC_STATUS);
        }
        return status;
    }
}
