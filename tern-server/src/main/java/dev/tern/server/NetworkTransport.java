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

    /**
     * The transport that serves, and why those preferred to it do not ({@code "io_uring: <cause>"}), so that a
     * fallback is never silent: some container runtimes' seccomp profiles block io_uring, which costs throughput.
     */
    record Choice(Transport transport, List<String> passedOver) {
        /** For the startup line: {@code epoll (io_uring unavailable: <cause>)}, or just the name. */
        String description() {
            return passedOver.isEmpty() ? transport.name()
                    : transport.name() + " (" + String.join("; ", passedOver).replaceFirst(": ", " unavailable: ") + ")";
        }
    }

    static Choice select(TernConfig.Transport requested) {
        return firstAvailable(requested.optionValue(), switch (requested) {
            case AUTO -> Arrays.asList(Transport.IO_URING, Transport.EPOLL, Transport.NIO);
            case IO_URING -> Arrays.asList(Transport.IO_URING);
            case EPOLL -> Arrays.asList(Transport.EPOLL);
            case NIO -> List.of(Transport.NIO);
        });
    }

    /** The first available candidate (null ones are transports whose classes are missing); else why none is. */
    static Choice firstAvailable(String requested, List<Transport> candidates) {
        List<String> reasons = new ArrayList<>();
        for (Transport candidate : candidates) {
            if (candidate != null && candidate.available()) {
                return new Choice(candidate, List.copyOf(reasons));
            }
            if (candidate != null) {
                reasons.add(candidate.name() + ": " + reason(candidate.unavailabilityCause()));
            }
        }
        throw new IllegalStateException("--transport " + requested + " is not available here"
                + (reasons.isEmpty() ? "" : " (" + String.join("; ", reasons) + ")")
                + "; use --transport auto, or nio, which works everywhere");
    }

    /** The innermost cause's message: the kernel's refusal, not the wrappers around it. */
    private static String reason(Throwable cause) {
        if (cause == null) {
            return "unavailable";
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() != null ? root.getMessage() : cause.toString();
        return root == cause ? message : cause.getMessage() + " (" + message + ")";
    }
}
