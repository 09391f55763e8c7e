package dev.tern.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request: client, method, path, status, bytes, milliseconds, and for a gRPC call its gRPC status
 * ({@code grpc-status=5}). The path is logged without its query, so a {@code ?token=} never reaches the log.
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
        response.bodyEndHandler(v -> LOG.info("{} {} {} {} {} {}ms{}",
                request.remoteAddress() == null ? "-" : request.remoteAddress().hostAddress(),
                request.method(), request.path(), response.getStatusCode(),
                response.bytesWritten(), (System.nanoTime() - started) / 1_000_000, grpcStatus(response)));
    }

    /** " grpc-status=N" for a gRPC answer (in the trailers, or in the headers of a trailers-only answer), else "". */
    private static String grpcStatus(HttpServerResponse response) {
        String status = response.trailers().get(GRPC_STATUS);
        if (status == null) {
            status = response.headers().get(GRPC_STATUS);
        }
        return status == null ? "" : " grpc-status=" + status;
    }
}
