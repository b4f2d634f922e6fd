package io.herald.jdbc;

import io.herald.broker.Broker;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Everything a topic holds, read from the earliest position, in (partition, offset) order. */
public final class TopicContents {

    private TopicContents() {
    }

    public static List<StoredEvent> read(Broker broker, String topic) {
        List<StoredEvent> all = new ArrayList<>();
        try (TopicReader reader = broker.reader(topic, StartPosition.EARLIEST)) {
            List<StoredEvent> batch;
            while (!(batch = reader.poll(10_000, Duration.ZERO)).isEmpty()) {
                all.addAll(batch);
            }
        }
        return all;
    }
}
