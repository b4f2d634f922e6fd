package io.herald.server.auth;

import io.herald.broker.Names;
import io.herald.error.InvalidSpecException;

/**
 * The topics a grant covers: one name ({@code orders}), every name with a prefix
 * ({@code orders.*} covers {@code orders.eu} and {@code orders.us}: a trailing {@code *}), or
 * every topic ({@code *}). Immutable.
 */
public record TopicPattern(String text) {

    public TopicPattern {
        if (text == null || text.isEmpty()) {
            throw new InvalidSpecException("a topic pattern must be a topic name, a prefix ending in '*', or '*'; got nothing");
        }
        String name = text.endsWith("*") ? text.substring(0, text.length() - 1) : text;
        if (name.contains("*")) {
            throw new InvalidSpecException("topic pattern '" + text + "' may hold '*' only at its end");
        }
        if (!name.isEmpty()) {
            try {
                Names.requireValidTopic(name.endsWith(".") || name.endsWith("-") || name.endsWith("_") ? name + "x" : name);
            } catch (RuntimeException e) {
                throw new InvalidSpecException("topic pattern '" + text + "' is not a topic name or prefix: " + e.getMessage());
            }
        }
    }

    public boolean matches(String topic) {
        return text.endsWith("*") ? topic.startsWith(text.substring(0, text.length() - 1)) : topic.equals(text);
    }

    @Override
    public String toString() {
        return text;
    }
}
