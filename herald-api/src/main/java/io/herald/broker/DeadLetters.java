package io.herald.broker;

import io.herald.error.InvalidSpecException;

/** Conventions of dead-letter topics. */
public final class DeadLetters {

    public static final String SUFFIX = ".dlq";

    private DeadLetters() {
    }

    /** {@code <topic>.<subscription>.dlq}; a valid topic name, or an error saying to name one. */
    public static String defaultTopic(String topic, String subscription) {
        String name = topic + "." + subscription + SUFFIX;
        if (name.length() > Names.MAX_LENGTH) {
            throw new InvalidSpecException("the default dead-letter topic name '" + name.substring(0, 40) + "...' is longer than "
                    + Names.MAX_LENGTH + " characters; name one with SubscriptionSpec.deadLetterTopic(...)");
        }
        return name;
    }
}
