package io.herald.server.webhook;

import io.herald.http.WebhookConfig;
import java.util.HashMap;
import java.util.Map;

/** The destinations webhooks call, made when the first webhook of one starts and dropped when its last stops. Thread-safe. */
final class Destinations {

    private final Map<Destination.Key, Destination> byKey = new HashMap<>();

    synchronized Destination attach(Object user, WebhookConfig config) {
        Destination d = byKey.computeIfAbsent(Destination.Key.of(config.url()), Destination::new);
        d.attach(user, config);
        return d;
    }

    synchronized void detach(Object user, Destination destination) {
        if (!destination.detach(user)) {
            byKey.remove(destination.key(), destination);
        }
    }
}
