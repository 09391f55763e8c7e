package dev.tern.error;

/** The closed set of ways a request can fail; each transport maps these in exactly one table. */
public enum ErrorKind {
    BAD_REQUEST,
    UNAUTHENTICATED,
    FORBIDDEN,
    NOT_FOUND,
    ALREADY_EXISTS,
    PAYLOAD_TOO_LARGE,
    LIMIT_EXCEEDED,
    UNAVAILABLE,
    INTERNAL
}
