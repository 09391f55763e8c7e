package dev.tern.grpc;

import dev.tern.testing.RunningTern;
import grpc.permission_messages.ExplicitPermissions;
import grpc.permission_messages.Permissions;
import grpc.permission_messages.PermissionsType;
import grpc.permission_messages.TopicRole;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import momento.auth.AuthGrpc;
import momento.auth._GenerateApiTokenRequest;
import momento.auth._GenerateApiTokenResponse;
import momento.sdk.AuthClient;
import momento.sdk.CacheClient;
import momento.sdk.ISubscriptionCallbacks;
import momento.sdk.TopicClient;
import momento.sdk.auth.accessControl.CacheSelector;
import momento.sdk.auth.accessControl.DisposableTokenScope;
import momento.sdk.auth.accessControl.DisposableTokenScopes;
import momento.sdk.auth.accessControl.ExpiresIn;
import momento.sdk.auth.accessControl.TopicSelector;
import momento.sdk.config.Configurations;
import momento.sdk.config.TopicConfigurations;
import momento.sdk.exceptions.MomentoErrorCode;
import momento.sdk.exceptions.SdkException;
import momento.sdk.responses.auth.GenerateDisposableTokenResponse;
import momento.sdk.responses.cache.control.CacheCreateResponse;
import momento.sdk.responses.cache.control.CacheDeleteResponse;
import momento.sdk.responses.cache.control.CacheInfo;
import momento.sdk.responses.cache.control.CacheListResponse;
import momento.sdk.responses.topic.TopicDiscontinuity;
import momento.sdk.responses.topic.TopicMessage;
import momento.sdk.responses.topic.TopicPublishResponse;
import momento.sdk.responses.topic.TopicSubscribeResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The official Momento Java SDK 1.21.0 against Tern, changed in nothing but its credentials: the cache client on
 * the plaintext port, the topic and token clients over TLS on port 443 (where that SDK always dials) with a
 * self-signed certificate this JVM is told to trust.
 */
class MomentoJavaSdkTest {
    private static final String HOST = "127.0.0.1";
    private static final int SDK_TLS_PORT = 443;

    private static RunningTern tern;
    private static boolean tlsOn443;
    private static CacheClient caches;
    private static TopicClient topics;
    private static AuthClient auth;
    private static final AtomicInteger names = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        Path cert = TrustedDevCertificate.certificate();
        Path key = TrustedDevCertificate.key();

        tlsOn443 = canBind(SDK_TLS_PORT);
        if (tlsOn443) {
            tern = RunningTern.start("--tls-cert", cert.toString(), "--tls-key", key.toString(),
                    "--tls-port", Integer.toString(SDK_TLS_PORT));
        } else {
            System.out.println("SKIPPED (MomentoJavaSdkTest topic and token tests): port " + SDK_TLS_PORT
                    + " cannot be bound here, and the Java SDK's topic and token clients dial TLS on 443 only");
            tern = RunningTern.start();
        }
        TernCredentials superUser = credentials(tern.superUserKey());
        caches = CacheClient.create(superUser, Configurations.Laptop.latest(), Duration.ofMinutes(1));
        if (tlsOn443) {
            topics = TopicClient.create(superUser, TopicConfigurations.Laptop.latest());
            auth = AuthClient.create(superUser);
        }
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable client : new AutoCloseable[] {caches, topics, auth}) {
            try {
                if (client != null) {
                    client.close();
                }
            } catch (Exception ignored) {
                // closing clients of a test
            }
        }
        if (tern != null) {
            tern.close();
        }
    }

    private static TernCredentials credentials(String apiKey) {
        return new TernCredentials(apiKey, HOST, tern.port());
    }

    private static String name(String prefix) {
        return prefix + "-" + names.incrementAndGet();
    }

    @Test
    void cacheClientCreatesListsAndDeletesCaches() {
        String name = name("java-cache");
        assertThat(caches.createCache(name).join()).isInstanceOf(CacheCreateResponse.Success.class);
        CacheCreateResponse again = caches.createCache(name).join();
        // ALREADY_EXISTS: this SDK reports it as an error with its own code
        assertThat(again).isInstanceOfAny(CacheCreateResponse.Error.class, CacheCreateResponse.Success.class);
        if (again instanceof CacheCreateResponse.Error error) {
            assertThat(error.getErrorCode()).isEqualTo(MomentoErrorCode.ALREADY_EXISTS_ERROR);
        }

        CacheListResponse listed = caches.listCaches().join();
        assertThat(listed).isInstanceOf(CacheListResponse.Success.class);
        assertThat(((CacheListResponse.Success) listed).getCaches()).extracting(CacheInfo::name).contains(name);

        assertThat(caches.deleteCache(name).join()).isInstanceOf(CacheDeleteResponse.Success.class);
        CacheDeleteResponse missing = caches.deleteCache(name).join();
        assertThat(missing).isInstanceOf(CacheDeleteResponse.Error.class);
        assertThat(((SdkException) missing).getErrorCode()).isEqualTo(MomentoErrorCode.NOT_FOUND_ERROR);
    }

    @Test
    void aDisposableTokenCannotManageCaches() {
        String key = tern.mintToken("{\"expires_in_seconds\": 60, \"permissions\": "
                + "[{\"role\": \"publishsubscribe\", \"cache\": \"*\", \"topic\": \"*\"}]}");
        try (CacheClient restricted = CacheClient.create(credentials(key), Configurations.Laptop.latest(), Duration.ofMinutes(1))) {
            CacheCreateResponse refused = restricted.createCache(name("nope")).join();
            assertThat(refused).isInstanceOf(CacheCreateResponse.Error.class);
            assertThat(((SdkException) refused).getErrorCode()).isEqualTo(MomentoErrorCode.PERMISSION_ERROR);
        }
    }

    @Test
    void topicClientOverTlsPublishesAndSubscribes() throws Exception {
        assumeTls();
        String cache = name("java-topics");
        caches.createCache(cache).join();
        Subscriber subscriber = new Subscriber();
        TopicSubscribeResponse subscribed = topics.subscribe(cache, "news", subscriber).join();
        assertThat(subscribed).isInstanceOf(TopicSubscribeResponse.Subscription.class);
        try {
            for (int i = 1; i <= 3; i++) {
                assertThat(topics.publish(cache, "news", "hello " + i).join()).isInstanceOf(TopicPublishResponse.Success.class);
            }
            assertThat(topics.publish(cache, "news", new byte[] {0, 1, (byte) 255}).join())
                    .isInstanceOf(TopicPublishResponse.Success.class);
            assertThat(subscriber.nextText()).isEqualTo("hello 1");
            assertThat(subscriber.nextText()).isEqualTo("hello 2");
            assertThat(subscriber.nextText()).isEqualTo("hello 3");
            TopicMessage binary = subscriber.next();
            assertThat(binary).isInstanceOf(TopicMessage.Binary.class);
            assertThat(((TopicMessage.Binary) binary).getValue()).containsExactly(0, 1, 255);
            assertThat(subscriber.discontinuities).isEmpty();
        } finally {
            ((TopicSubscribeResponse.Subscription) subscribed).unsubscribe();
        }
    }

    @Test
    void missingCacheIsCacheNotFound() {
        assumeTls();
        TopicSubscribeResponse subscribed = topics.subscribe(name("missing"), "news", new Subscriber()).join();
        assertThat(subscribed).isInstanceOf(TopicSubscribeResponse.Error.class);
        assertThat(((SdkException) subscribed).getErrorCode()).isEqualTo(MomentoErrorCode.NOT_FOUND_ERROR);
        TopicPublishResponse published = topics.publish(name("missing"), "news", "x").join();
        assertThat(((SdkException) published).getErrorCode()).isEqualTo(MomentoErrorCode.NOT_FOUND_ERROR);
    }

    @Test
    void deletingTheCacheEndsALiveSubscription() throws Exception {
        assumeTls();
        String cache = name("java-deleted");
        caches.createCache(cache).join();
        Subscriber subscriber = new Subscriber();
        assertThat(topics.subscribe(cache, "news", subscriber).join()).isInstanceOf(TopicSubscribeResponse.Subscription.class);
        topics.publish(cache, "news", "before").join();
        assertThat(subscriber.nextText()).isEqualTo("before");
        caches.deleteCache(cache).join();
        // Tern ends the stream with NOT_FOUND. SDK 1.21.0 reports a non-UNAVAILABLE end of a live stream only as
        // a lost connection (it neither retries nor calls onError), so that is what a user sees.
        await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.connectionLost.get() == 1);
        assertThat(subscriber.errors).isEmpty();
    }

    @Test
    void disposableTokensAllowExactlyTheirScope() {
        assumeTls();
        String cache = name("java-tokens");
        String other = name("java-other");
        caches.createCache(cache).join();
        caches.createCache(other).join();

        String publishOnly = mint(DisposableTokenScopes.topicPublishOnly(cache, "orders"), null);
        assertThat(abilities(publishOnly, cache, "orders")).isEqualTo("publish=ok subscribe=PERMISSION_ERROR");
        String subscribeOnly = mint(DisposableTokenScopes.topicSubscribeOnly(cache, "orders"), null);
        assertThat(abilities(subscribeOnly, cache, "orders")).isEqualTo("publish=PERMISSION_ERROR subscribe=ok");
        String oneTopic = mint(DisposableTokenScopes.topicPublishSubscribe(cache, "orders"), null);
        assertThat(abilities(oneTopic, cache, "orders")).isEqualTo("publish=ok subscribe=ok");
        assertThat(abilities(oneTopic, cache, "invoices")).isEqualTo("publish=PERMISSION_ERROR subscribe=PERMISSION_ERROR");
        assertThat(abilities(oneTopic, other, "orders")).isEqualTo("publish=PERMISSION_ERROR subscribe=PERMISSION_ERROR");

        String prefix = mint(DisposableTokenScopes.topicPublishSubscribe(cache, TopicSelector.ByTopicNamePrefix("chat-")), null);
        assertThat(abilities(prefix, cache, "chat-1")).isEqualTo("publish=ok subscribe=ok");
        assertThat(abilities(prefix, cache, "news")).isEqualTo("publish=PERMISSION_ERROR subscribe=PERMISSION_ERROR");

        String allCaches = mint(DisposableTokenScopes.topicPublishSubscribe(CacheSelector.AllCaches, TopicSelector.AllTopics), null);
        assertThat(abilities(allCaches, other, "anything")).isEqualTo("publish=ok subscribe=ok");
    }

    @Test
    void tokenIdArrivesAsPublisherIdAndExpiredTokensAreRejected() throws Exception {
        assumeTls();
        String cache = name("java-ids");
        caches.createCache(cache).join();
        String sensor = mint(DisposableTokenScopes.topicPublishOnly(cache, "readings"), "sensor-7");
        Subscriber subscriber = new Subscriber();
        TopicSubscribeResponse subscribed = topics.subscribe(cache, "readings", subscriber).join();
        assertThat(subscribed).isInstanceOf(TopicSubscribeResponse.Subscription.class);
        try (TopicClient publisher = TopicClient.create(credentials(sensor), TopicConfigurations.Laptop.latest())) {
            assertThat(publisher.publish(cache, "readings", "21.5").join()).isInstanceOf(TopicPublishResponse.Success.class);
        }
        TopicMessage message = subscriber.next();
        assertThat(((TopicMessage.Text) message).getTokenId()).isEqualTo("sensor-7");
        ((TopicSubscribeResponse.Subscription) subscribed).unsubscribe();

        GenerateDisposableTokenResponse shortLived = auth.generateDisposableTokenAsync(
                DisposableTokenScopes.topicPublishSubscribe(cache, "readings"), ExpiresIn.seconds(1)).join();
        String expired = ((GenerateDisposableTokenResponse.Success) shortLived).authToken();
        Thread.sleep(2_100);
        assertThat(abilities(expired, cache, "readings")).isEqualTo("publish=AUTHENTICATION_ERROR subscribe=AUTHENTICATION_ERROR");
    }

    @Test
    void anApiKeyFromGenerateApiTokenWorksThroughTheTopicClient() {
        assumeTls();
        String cache = name("java-keys");
        caches.createCache(cache).join();
        ManagedChannel channel = NettyChannelBuilder.forAddress(HOST, tern.port()).usePlaintext().build();
        try {
            _GenerateApiTokenResponse generated = AuthGrpc.newBlockingStub(channel).generateApiToken(
                    _GenerateApiTokenRequest.newBuilder()
                            .setAuthToken(tern.superUserKey())
                            .setNever(_GenerateApiTokenRequest.Never.getDefaultInstance())
                            .setDescription("java sdk")
                            .setPermissions(Permissions.newBuilder().setExplicit(ExplicitPermissions.newBuilder()
                                    .addPermissions(PermissionsType.newBuilder().setTopicPermissions(
                                            PermissionsType.TopicPermissions.newBuilder()
                                                    .setRole(TopicRole.TopicReadWrite)
                                                    .setCacheSelector(PermissionsType.CacheSelector.newBuilder().setCacheName(cache))
                                                    .setTopicSelector(PermissionsType.TopicSelector.newBuilder().setTopicName("orders"))))))
                            .build());
            assertThat(generated.getValidUntil()).isZero();
            assertThat(generated.getRefreshToken()).isNotBlank();
            assertThat(abilities(generated.getApiKey(), cache, "orders")).isEqualTo("publish=ok subscribe=ok");
            assertThat(abilities(generated.getApiKey(), cache, "invoices"))
                    .isEqualTo("publish=PERMISSION_ERROR subscribe=PERMISSION_ERROR");
        } finally {
            channel.shutdownNow();
        }
    }

    private static String mint(DisposableTokenScope scope, String tokenId) {
        GenerateDisposableTokenResponse minted = tokenId == null
                ? auth.generateDisposableTokenAsync(scope, ExpiresIn.minutes(5)).join()
                : auth.generateDisposableTokenAsync(scope, ExpiresIn.minutes(5), tokenId).join();
        assertThat(minted).isInstanceOf(GenerateDisposableTokenResponse.Success.class);
        return ((GenerateDisposableTokenResponse.Success) minted).authToken();
    }

    /** "publish=... subscribe=..." with ok or the SDK's error code, for one token on one topic. */
    private static String abilities(String token, String cache, String topic) {
        try (TopicClient client = TopicClient.create(credentials(token), TopicConfigurations.Laptop.latest())) {
            TopicPublishResponse published = client.publish(cache, topic, "probe").join();
            TopicSubscribeResponse subscribed = client.subscribe(cache, topic, new Subscriber()).join();
            if (subscribed instanceof TopicSubscribeResponse.Subscription subscription) {
                subscription.unsubscribe();
            }
            return "publish=" + (published instanceof SdkException e ? e.getErrorCode() : "ok")
                    + " subscribe=" + (subscribed instanceof SdkException e ? e.getErrorCode() : "ok");
        }
    }

    private static void assumeTls() {
        assumeTrue(tlsOn443, "port 443 cannot be bound here; the Java SDK's topic and token clients dial TLS on 443 only");
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(HOST, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Collects a subscription's callbacks. */
    static final class Subscriber implements ISubscriptionCallbacks {
        final BlockingQueue<TopicMessage> items = new LinkedBlockingQueue<>();
        final BlockingQueue<TopicDiscontinuity> discontinuities = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        final AtomicInteger connectionLost = new AtomicInteger();

        @Override
        public void onConnectionLost() {
            connectionLost.incrementAndGet();
        }

        @Override
        public void onItem(TopicMessage message) {
            items.add(message);
        }

        @Override
        public void onCompleted() {
        }

        @Override
        public void onError(Throwable t) {
            errors.add(t);
        }

        @Override
        public void onDiscontinuity(TopicDiscontinuity discontinuity) {
            discontinuities.add(discontinuity);
        }

        TopicMessage next() throws InterruptedException {
            TopicMessage message = items.poll(10, TimeUnit.SECONDS);
            assertThat(message).as("a message within 10 s").isNotNull();
            return message;
        }

        String nextText() throws InterruptedException {
            TopicMessage message = next();
            assertThat(message).isInstanceOf(TopicMessage.Text.class);
            return ((TopicMessage.Text) message).getValue();
        }
    }
}
