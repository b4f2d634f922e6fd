package io.herald;

import io.herald.error.HeraldException;

/** The Kafka cluster did not answer within the configured request timeout. */
public final class ClusterUnreachableException extends HeraldException {

    private final String bootstrapServers;

    public ClusterUnreachableException(String bootstrapServers, String what, Throwable cause) {
        super("Kafka cluster at " + bootstrapServers + " did not answer " + what
                + (cause != null && cause.getMessage() != null ? ": " + cause.getMessage() : ""), cause);
        this.bootstrapServers = bootstrapServers;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }
}
