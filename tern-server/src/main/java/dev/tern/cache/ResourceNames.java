package dev.tern.cache;

import dev.tern.error.TernException;

/**
 * The one rule for cache and topic names: 1 to 255 characters, each URL-safe without escaping
 * (letters, digits, {@code - _ . ~}, and {@code :} for namespaced topics such as {@code chat:lobby}), and neither
 * {@code .} nor {@code ..}, which URL paths resolve away.
 */
public final class ResourceNames {
    public static final int MAX_LENGTH = 255;

    private ResourceNames() {
    }

    public static String requireCacheName(String name) {
        return require("cache", name);
    }

    public static String requireTopicName(String name) {
        return require("topic", name);
    }

    private static String require(String what, String name) {
        if (name == null || name.isEmpty()) {
            throw TernException.badRequest(what + " name must not be empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw TernException.badRequest(what + " name must be at most " + MAX_LENGTH + " characters");
        }
        if (name.equals(".") || name.equals("..")) {
            throw TernException.badRequest(what + " name must not be . or .. (URL paths resolve them away)");
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isUrlSafe(name.charAt(i))) {
                throw TernException.badRequest(what + " name may contain only letters, digits and - _ . ~ :");
            }
        }
        return name;
    }

    private static boolean isUrlSafe(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.' || c == '~' || c == ':';
    }
}
