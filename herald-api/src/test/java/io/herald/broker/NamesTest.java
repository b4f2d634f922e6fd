package io.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"orders", "o", "Orders.EU-West_1", "0", "...", "a..b", "_private", "a__b", "-dash-first", "..hidden"})
    void aNameOfAllowedCharactersIsAcceptedAndReturned(String name) {
        assertThat(Names.requireValidTopic(name)).isSameAs(name);
        assertThat(Names.requireValidSubscription(name)).isSameAs(name);
    }

    @Test
    void aNameOfExactly249CharactersIsAccepted() {
        String name = "a".repeat(249);

        assertThat(Names.requireValidTopic(name)).isEqualTo(name);
        assertThat(Names.MAX_LENGTH).isEqualTo(249);
    }

    @Test
    void aNameOf250CharactersIsRefusedWithItsLengthAndTheLimit() {
        String name = "b".repeat(250);

        assertThatThrownBy(() -> Names.requireValidTopic(name))
                .isInstanceOf(InvalidNameException.class)
                .hasMessage("invalid topic name '" + "b".repeat(20) + "...': is 250 characters long; the limit is 249");
    }

    @Test
    void anEmptyNameIsRefused() {
        assertThatThrownBy(() -> Names.requireValidTopic(""))
                .isInstanceOf(InvalidNameException.class)
                .hasMessage("invalid topic name '': must not be empty");
    }

    @Test
    void aNullNameIsRefusedLikeAnEmptyOne() {
        assertThatThrownBy(() -> Names.requireValidSubscription(null))
                .isInstanceOf(InvalidNameException.class)
                .hasMessage("invalid subscription name 'null': must not be empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {".", ".."})
    void theDirectoryNamesDotAndDotDotAreRefused(String name) {
        assertThatThrownBy(() -> Names.requireValidTopic(name))
                .isInstanceOf(InvalidNameException.class)
                .hasMessage("invalid topic name '" + name + "': '.' and '..' are not allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"__consumer_offsets", "__", "__herald.cursors"})
    void aNameStartingWithTwoUnderscoresIsReservedForHerald(String name) {
        assertThatThrownBy(() -> Names.requireValidTopic(name))
                .isInstanceOf(InvalidNameException.class)
                .hasMessage("invalid topic name '" + name + "': names starting with '__' are reserved for Herald's internal topics");
    }

    @Test
    void aSubscriptionNameFollowsTheSameRulesAndSaysItIsASubscription() {
        assertThatThrownBy(() -> Names.requireValidSubscription("__internal"))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageStartingWith("invalid subscription name '__internal': ");
    }

    static Stream<Arguments> badCharacters() {
        return Stream.of(
                Arguments.of("a b", ' ', 1),
                Arguments.of("a/b", '/', 1),
                Arguments.of("../etc", '/', 2),
                Arguments.of("a\\b", '\\', 1),
                Arguments.of("eu:west", ':', 2),
                Arguments.of("orders*", '*', 6),
                Arguments.of("caf\u00e9", '\u00e9', 3),
                Arguments.of("a\u0000", '\u0000', 1),
                Arguments.of("a,b", ',', 1),
                Arguments.of("x\u0410", '\u0410', 1)); // Cyrillic A, looks like a Latin one
    }

    @ParameterizedTest
    @MethodSource("badCharacters")
    void aNameWithADisallowedCharacterIsRefusedNamingTheCharacterAndItsIndex(String name, char bad, int index) {
        assertThatThrownBy(() -> Names.requireValidTopic(name))
                .isInstanceOf(InvalidNameException.class)
                .hasMessage("invalid topic name '" + name + "': character '" + bad + "' at index " + index
                        + " is not allowed; use only A-Z a-z 0-9 . _ -");
    }
}
