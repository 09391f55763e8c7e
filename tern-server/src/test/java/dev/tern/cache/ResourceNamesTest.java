package dev.tern.cache;

import dev.tern.error.ErrorKind;
import dev.tern.error.TernException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResourceNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {".", "..", "", "a b", "a/b", "a%2Fb", "é"})
    void refusesNamesThatAreNotUrlSafeOrThatPathsResolveAway(String name) {
        assertThatThrownBy(() -> ResourceNames.requireTopicName(name))
                .isInstanceOfSatisfying(TernException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_REQUEST));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "...", ".hidden", "chat:lobby", "A-z_0.9~"})
    void acceptsUrlSafeNames(String name) {
        assertThat(ResourceNames.requireTopicName(name)).isEqualTo(name);
    }

    @Test
    void refusesNamesLongerThan255Characters() {
        assertThat(ResourceNames.requireCacheName("c".repeat(255))).hasSize(255);
        assertThatThrownBy(() -> ResourceNames.requireCacheName("c".repeat(256))).isInstanceOf(TernException.class);
    }
}
