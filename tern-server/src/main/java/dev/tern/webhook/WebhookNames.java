package dev.tern.webhook;

import dev.tern.error.TernException;

/**
 * The rule for webhook names: 1 to 128 characters (Momento's limit), no control characters and no {@code /}, so a
 * name fits in one URL path segment once percent-encoded. Spaces are allowed: Momento's own examples use them.
 */
public final class WebhookNames {
    public static final int MAX_LENGTH = 128;

    private WebhookNames() {
    }

    public static String require(String name) {
        if (name == null || name.isEmpty()) {
            throw TernException.badRequest("webhook name must not be empty");
        }
        if (name.codePointCount(0, name.length()) > MAX_LENGTH) {
            throw TernException.badRequest("webhook name must be at most " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c) || c == '/') {
                throw TernException.badRequest("webhook name must not contain / or control characters");
            }
        }
        return name;
    }
}
