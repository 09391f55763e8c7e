package dev.tern.server;

import dev.tern.config.TernConfig;
import io.vertx.core.transport.Transport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Which of Vert.x's network transports serves connections (--transport). {@code auto} takes io_uring where the
 * kernel allows it: it hands the kernel a connection's reads and writes in batches instead of one system call each,
 * and measured the fastest by far (docs/performance.md); then epoll, then Java NIO, which works everywhere. A
 * transport asked for by name must be available, or the server does not start.
 */
final class NetworkTransport {
    private NetworkTransport() {
    }

    static Transport select(TernConfig.Transport requested) {
        return firstAvailable(requested.optionValue(), switch (requested) {
            case AUTO -> Arrays.asList(Transport.IO_URING, Transport.EPOLL, Transport.NIO);
            case IO_URING -> Arrays.asList(Transport.IO_URING);
            case EPOLL -> Arrays.asList(Transport.EPOLL);
            case NIO -> List.of(Transport.NIO);
        });
    }

    /** The first available candidate (null ones are transports whose classes are missing); else why none is. */
    static Transport firstAvailable(String requested, List<Transport> candidates) {
        List<String> reasons = new ArrayList<>();
        for (Transport candidate : candidates) {
            if (candidate != null && candidate.available()) {
                return candidate;
            }
            if (candidate != null) {
                reasons.add(candidate.name() + ": " + Objects.toString(candidate.unavailabilityCause(), "unavailable"));
            }
        }
        throw new IllegalStateException("--transport " + requested + " is not available here"
                + (reasons.isEmpty() ? "" : " (" + String.join("; ", reasons) + ")")
                + "; use --transport auto, or nio, which works everywhere");
    }
}
