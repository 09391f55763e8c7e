package dev.tern.cache;

import dev.tern.error.TernException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * One page of the cache list, in name order. The next-page token is opaque to clients: the base64url of the last
 * name on this page, so a page continues after it even when caches are created or deleted in between.
 *
 * @param caches    at most the page size, sorted by name
 * @param nextToken where the next page starts; null on the last page
 */
public record CachePage(List<CacheInfo> caches, String nextToken) {
    /**
     * Caches per page unless a smaller page is asked for: large enough that the SDKs which ignore next_token see
     * every cache of any realistic server, small enough that one answer stays far below gRPC's 4 MiB default.
     */
    public static final int MAX_SIZE = 10_000;

    /** The page of {@code sorted} that starts after {@code token} (null or empty: the first page). */
    static CachePage of(List<CacheInfo> sorted, String token, int size) {
        if (size < 1 || size > MAX_SIZE) {
            throw TernException.badRequest("the page size must be between 1 and " + MAX_SIZE);
        }
        String after = token == null || token.isEmpty() ? null : lastNameIn(token);
        int start = 0;
        if (after != null) {
            while (start < sorted.size() && sorted.get(start).name().compareTo(after) <= 0) {
                start++;
            }
        }
        int end = Math.min(sorted.size(), start + size);
        String next = end < sorted.size() ? tokenAfter(sorted.get(end - 1).name()) : null;
        return new CachePage(List.copyOf(sorted.subList(start, end)), next);
    }

    private static String tokenAfter(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    private static String lastNameIn(String token) {
        try {
            return ResourceNames.requireCacheName(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | TernException e) {
            throw TernException.badRequest("next_token is not a token this server handed out");
        }
    }
}
