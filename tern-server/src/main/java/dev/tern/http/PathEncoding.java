package dev.tern.http;

import dev.tern.error.TernException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** The one rule for a raw path's percent-encoding: every {@code %} starts an escape of two hex digits. */
final class PathEncoding {
    private PathEncoding() {
    }

    /** The decoded path segment ({@code +} stays a plus); 400 when its percent-encoding is malformed. */
    static String decodeSegment(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment; // nothing to decode, as in most requests
        }
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw TernException.badRequest("malformed percent-encoding in path");
        }
    }

    /**
     * Fails a request whose path cannot be percent-decoded with a 400, before the router sees it: the router decodes
     * the path first and would report the decoder's exception as an unhandled failure, at ERROR.
     */
    static void requireDecodable(String rawPath) {
        decodeSegment(rawPath);
    }
}
