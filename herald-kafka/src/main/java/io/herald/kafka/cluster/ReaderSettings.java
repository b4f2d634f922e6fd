package io.herald.kafka.cluster;

import java.util.HashMap;
import java.util.Map;

/**
 * The consumer settings of a reader outside any group (a topic reader, the readers of state
 * topics), written once for all of them.
 */
public final class ReaderSettings {

    private ReaderSettings() {
    }

    /** The client's own settings without a group or auto-commit; a caller adds only what its reader needs apart. */
    public static Map<String, Object> of(Map<String, Object> clientBase) {
        Map<String, Object> p = new HashMap<>(clientBase);
        p.remove("group.id");
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "earliest"); // a position behind retention reads on from the oldest record held
        return p;
    }
}
