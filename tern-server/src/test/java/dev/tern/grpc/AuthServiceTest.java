package dev.tern.grpc;

import dev.tern.testing.RunningTern;
import grpc.permission_messages.ExplicitPermissions;
import grpc.permission_messages.Permissions;
import grpc.permission_messages.PermissionsType;
import grpc.permission_messages.SuperUserPermissions;
import grpc.permission_messages.TopicRole;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import momento.auth.AuthGrpc;
import momento.auth._GenerateApiTokenRequest;
import momento.auth._GenerateApiTokenResponse;
import momento.auth._RefreshApiTokenRequest;
import momento.auth._RefreshApiTokenResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code auth.Auth} on the wire: answers as the proto says, and bad requests get the status the SDKs map. */
class AuthServiceTest {
    private static RunningTern tern;
    private static ManagedChannel channel;
    private static AuthGrpc.AuthBlockingStub auth;

    @BeforeAll
    static void start() {
        tern = RunningTern.start("--public-endpoint", "tern.example.com");
        channel = NettyChannelBuilder.forAddress("127.0.0.1", tern.port()).usePlaintext().build();
        auth = AuthGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        tern.close();
    }

    private static final Permissions SUPER_USER = Permissions.newBuilder().setSuperUser(SuperUserPermissions.SuperUser).build();

    private static _GenerateApiTokenRequest.Builder request(String caller) {
        return _GenerateApiTokenRequest.newBuilder().setAuthToken(caller).setPermissions(SUPER_USER);
    }

    private static Status.Code status(Executable call) {
        return assertThrows(StatusRuntimeException.class, call).getStatus().getCode();
    }

    @Test
    void generateAndRefreshAnswerAsTheProtoSays() {
        _GenerateApiTokenResponse generated = auth.generateApiToken(request(tern.superUserKey())
                .setExpires(_GenerateApiTokenRequest.Expires.newBuilder().setValidForSeconds(600))
                .setTokenId("svc").setDescription("wire").build());
        assertThat(generated.getEndpoint()).isEqualTo("tern.example.com");
        assertThat(generated.getApiKey().split("\\.")).hasSize(3); // the inner key; the SDK wraps it
        assertThat(generated.getValidUntil()).isBetween(System.currentTimeMillis() / 1000 + 590, System.currentTimeMillis() / 1000 + 601);

        _RefreshApiTokenResponse refreshed = auth.refreshApiToken(_RefreshApiTokenRequest.newBuilder()
                .setApiKey(generated.getApiKey()).setRefreshToken(generated.getRefreshToken()).build());
        assertThat(refreshed.getApiKey()).isNotEqualTo(generated.getApiKey());
        assertThat(refreshed.getValidUntil()).isGreaterThanOrEqualTo(generated.getValidUntil());
        assertThat(status(() -> auth.refreshApiToken(_RefreshApiTokenRequest.newBuilder()
                .setApiKey(generated.getApiKey()).setRefreshToken(generated.getRefreshToken()).build())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void badRequestsGetTheStatusesTheSdksMap() {
        String superKey = tern.superUserKey();
        assertThat(status(() -> auth.generateApiToken(request(superKey).build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status(() -> auth.generateApiToken(request(superKey)
                .setExpires(_GenerateApiTokenRequest.Expires.newBuilder().setValidForSeconds(0)).build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status(() -> auth.generateApiToken(request("")
                .setNever(_GenerateApiTokenRequest.Never.getDefaultInstance()).build()))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(status(() -> auth.generateApiToken(request("eyJhbGciOiJub25lIn0.eyJzdSI6dHJ1ZX0.")
                .setNever(_GenerateApiTokenRequest.Never.getDefaultInstance()).build()))).isEqualTo(Status.Code.UNAUTHENTICATED);

        String token = tern.mintToken("{\"expires_in_seconds\": 600, \"permissions\": \"super_user\"}");
        assertThat(status(() -> auth.generateApiToken(request(token)
                .setNever(_GenerateApiTokenRequest.Never.getDefaultInstance()).build()))).isEqualTo(Status.Code.PERMISSION_DENIED);

        ExplicitPermissions.Builder enormous = ExplicitPermissions.newBuilder();
        PermissionsType one = PermissionsType.newBuilder().setTopicPermissions(PermissionsType.TopicPermissions.newBuilder()
                .setRole(TopicRole.TopicReadWrite).setAllCaches(PermissionsType.All.getDefaultInstance())
                .setAllTopics(PermissionsType.All.getDefaultInstance())).build();
        for (int i = 0; i < 50_000; i++) {
            enormous.addPermissions(one);
        }
        assertThat(status(() -> auth.generateApiToken(request(superKey).setPermissions(Permissions.newBuilder().setExplicit(enormous))
                .setNever(_GenerateApiTokenRequest.Never.getDefaultInstance()).build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);

        assertThat(status(() -> auth.refreshApiToken(_RefreshApiTokenRequest.newBuilder()
                .setApiKey("not.a.key").setRefreshToken("x.y").build()))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(status(() -> auth.refreshApiToken(_RefreshApiTokenRequest.newBuilder()
                .setApiKey(superKey).build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status(() -> auth.refreshApiToken(_RefreshApiTokenRequest.newBuilder()
                .setApiKey(token).setRefreshToken("x.y").build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
}
