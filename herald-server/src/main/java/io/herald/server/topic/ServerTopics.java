package io.herald.server.topic;


/**
 * Topics the server keeps for itself, named {@value #PREFIX}...: the webhook registry (which
 * holds the webhooks' secrets). The API neither lists them nor lets any token read, write,
 * create or delete them; only the server reaches them, through the broker.
 */
public final class ServerTopics {

    public static final String PREFIX = "herald.server.";

    private ServerTopics() {
    }

    public static boolean isReserved(String topic) {
        return topic != null && topic.startsWith(PREFIX);
    }
}
