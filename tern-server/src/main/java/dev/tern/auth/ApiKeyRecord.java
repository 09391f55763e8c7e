package dev.tern.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What Tern remembers of a long-lived API key: never the key itself (it is a signed token, verified without this
 * record), only what a listing shows and what refreshing needs.
 *
 * @param expiresEpochSecs 0 for never
 */
public record ApiKeyRecord(String id, String description, boolean superUser, List<TopicPermission> permissions,
                           String tokenId, long createdEpochSecs, long expiresEpochSecs, boolean v2) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ApiKeyRecord {
        permissions = List.copyOf(permissions);
    }

    public boolean isExpiredAt(long epochSeconds) {
        return expiresEpochSecs != 0 && epochSeconds >= expiresEpochSecs;
    }

    /** The JSON a listing shows and the stores keep. */
    public ObjectNode toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", id);
        if (description != null) {
            node.put("description", description);
        }
        if (superUser) {
            node.put("permissions", "super_user");
        } else {
            ArrayNode list = node.putArray("permissions");
            permissions.forEach(p -> list.add(PermissionJson.write(p)));
        }
        if (tokenId != null) {
            node.put("token_id", tokenId);
        }
        node.put("created", createdEpochSecs);
        node.put("expires", expiresEpochSecs);
        node.put("v2", v2);
        return node;
    }

    public String toJsonString() {
        return toJson().toString();
    }

    public static ApiKeyRecord fromJson(JsonNode node) {
        boolean superUser = "super_user".equals(node.path("permissions").asText(null));
        List<TopicPermission> permissions = new ArrayList<>();
        if (!superUser) {
            node.path("permissions").forEach(p -> permissions.add(PermissionJson.parse(p)));
        }
        return new ApiKeyRecord(node.path("id").asText(), node.hasNonNull("description") ? node.get("description").asText() : null,
                superUser, permissions, node.hasNonNull("token_id") ? node.get("token_id").asText() : null,
                node.path("created").asLong(), node.path("expires").asLong(), node.path("v2").asBoolean(false));
    }

    public static ApiKeyRecord fromJson(byte[] json) {
        try {
            return fromJson(JSON.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
