package dev.tern.http.stream;

import dev.tern.error.ErrorKind;

/**
 * Close codes Tern ends a topic WebSocket with, chosen so that a client can tell whether to reconnect:
 * <ul>
 *   <li>{@code 1001} going away: the server is shutting down; reconnect (with backoff) from the last position.</li>
 *   <li>{@code 1011} internal error; reconnect with backoff.</li>
 *   <li>{@code 1013} try again later: the server is unavailable; reconnect with backoff.</li>
 *   <li>{@code 4000 + HTTP status} for refusals: {@code 4400} bad request, {@code 4401} token missing, invalid or
 *       expired, {@code 4403} not permitted, {@code 4404} cache not found or deleted: do not reconnect unchanged;
 *       {@code 4429} subscription limit reached: reconnect after {@code retry_after_seconds}.</li>
 * </ul>
 */
final class WebSocketCloseCodes {
    static final short GOING_AWAY = 1001;
    /** RFC 6455: a frame or message larger than the endpoint accepts. */
    static final short MESSAGE_TOO_BIG = 1009;
    static final short INTERNAL_ERROR = 1011;
    static final short TRY_AGAIN_LATER = 1013;
    private static final int REFUSAL_BASE = 4000;

    private WebSocketCloseCodes() {
    }

    /** The close code for an error that ends the socket; {@code httpStatus} is the error's HTTP status. */
    static short forError(ErrorKind kind, int httpStatus) {
        return switch (kind) {
            case INTERNAL -> INTERNAL_ERROR;
            case UNAVAILABLE -> TRY_AGAIN_LATER;
            default -> (short) (REFUSAL_BASE + httpStatus);
        };
    }
}
