package io.herald.jdbc.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.broker.StoredEvent;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The order check of at-least-once streams: per partition key, the first publication of each event
 * follows the commit order (later copies, published again after a crash, may come anywhere after).
 */
final class FirstPublications {

    private FirstPublications() {
    }

    /** {@code committed} is in commit order; events missing from it (an unknown commit outcome) are not ordered. */
    static void assertInCommitOrder(List<StoredEvent> published, List<String> committed, String context) {
        Map<String, Integer> commitIndex = new HashMap<>();
        for (int i = 0; i < committed.size(); i++) {
            commitIndex.put(committed.get(i), i);
        }
        Map<String, Set<String>> firstByKey = new HashMap<>();
        for (StoredEvent e : published) {
            firstByKey.computeIfAbsent(e.event().partitionKey().orElseThrow(), k -> new LinkedHashSet<>()).add(e.event().id());
        }
        firstByKey.forEach((key, ids) -> assertThat(ids.stream().map(commitIndex::get).filter(Objects::nonNull).toList())
                .as("%s: key %s in commit order", context, key).isSorted());
    }
}
