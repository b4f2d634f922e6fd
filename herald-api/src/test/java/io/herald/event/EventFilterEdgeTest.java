package io.herald.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.error.InvalidSpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventFilterEdgeTest {

    @ParameterizedTest
    @ValueSource(strings = {"no json here", "2024 was good", "true story", "{\"a\":1} trailing", "{\"cut\": "})
    void dataThatOnlyLooksLikeJsonStillLetsAttributePatternsMatch(String data) {
        Event untyped = Event.builder().type("t").source("/s").data(data).build();
        Event typed = Event.builder().type("t").source("/s").json(data).build();
        EventFilter byType = EventFilter.compile("{\"type\": [\"t\"]}");
        assertThat(byType.matches(untyped)).isTrue();
        assertThat(byType.matches(typed)).isTrue();
        assertThat(EventFilter.compile("{\"data\": {\"a\": [1]}}").matches(untyped)).isFalse();
    }

    @Test
    void ndjsonIsNotJsonData() {
        Event e = Event.builder().type("t").source("/s").dataContentType("application/x-ndjson").data("{\"a\":1}\n{\"a\":2}").build();
        assertThat(EventFilter.compile("{\"type\": [\"t\"]}").matches(e)).isTrue();
        assertThat(EventFilter.compile("{\"data\": {\"a\": [1]}}").matches(e)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":[\"t\"]} xyz", "{\"type\":[\"t\"]}{\"source\":[\"x\"]}"})
    void textAfterThePatternIsRefused(String pattern) {
        assertThatThrownBy(() -> EventFilter.compile(pattern)).isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("invalid event pattern");
    }

    @Test
    void filtersOfTheSamePatternAreEqual() {
        assertThat(EventFilter.compile("{\"type\": [\"t\"]}")).isEqualTo(EventFilter.compile("{\"type\": [\"t\"]}"))
                .hasSameHashCodeAs(EventFilter.compile("{\"type\": [\"t\"]}"));
    }
}
