package dev.tern.cache;

import dev.tern.error.TernException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Paging the cache list (gRPC ListCaches' next_token and GET /caches): every cache once, in order. */
class CachePageTest {
    private static final TopicLimits LIMITS = new TopicLimits(0, 0, 4);

    @Test
    void pagesOfTheMaximumSizeCoverEveryCacheOnce() {
        List<CacheInfo> all = IntStream.range(0, CachePage.MAX_SIZE * 2 + 3)
                .mapToObj(i -> new CacheInfo(String.format("c%06d", i), LIMITS, 0)).toList();
        List<CacheInfo> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            CachePage page = CachePage.of(all, token, CachePage.MAX_SIZE);
            seen.addAll(page.caches());
            token = page.nextToken();
            pages++;
        } while (token != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(all);
    }

    @Test
    void aPageContinuesAfterItsLastNameWhenThatCacheIsDeleted() {
        List<CacheInfo> before = List.of(cache("a"), cache("b"), cache("c"), cache("d"));
        CachePage first = CachePage.of(before, null, 2);
        CachePage second = CachePage.of(List.of(cache("a"), cache("c"), cache("d")), first.nextToken(), 2);
        assertThat(second.caches()).extracting(CacheInfo::name).containsExactly("c", "d");
        assertThat(second.nextToken()).isNull();
    }

    @Test
    void aForeignTokenIsABadRequest() {
        assertThatThrownBy(() -> CachePage.of(List.of(), "%%%", 10)).isInstanceOf(TernException.class)
                .hasMessageContaining("next_token");
        assertThatThrownBy(() -> CachePage.of(List.of(), "Lw", 10)).isInstanceOf(TernException.class); // "/"
    }

    private static CacheInfo cache(String name) {
        return new CacheInfo(name, LIMITS, 0);
    }
}
