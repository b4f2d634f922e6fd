package io.herald.broker;

/**
 * The naming rules every backend enforces. Topic and subscription names are 1-249 characters of
 * {@code A-Z a-z 0-9 . _ -} (Kafka's rule, so every name maps onto a Kafka topic or group), never
 * {@code .} or {@code ..} (a name becomes a directory; it must not escape the data directory), and
 * never start with {@code __}, which Herald keeps for its internal topics.
 */
public final class Names {

    public static final int MAX_LENGTH = 249;
    public static final String INTERNAL_PREFIX = "__";

    private Names() {
    }

    public static String requireValidTopic(String name) {
        return require("topic", name);
    }

    public static String requireValidSubscription(String name) {
        return require("subscription", name);
    }

    private static String require(String what, String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidNameException(what, String.valueOf(name), "must not be empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidNameException(what, name.substring(0, 20) + "...", "is " + name.length()
                    + " characters long; the limit is " + MAX_LENGTH);
        }
        if (name.equals(".") || name.equals("..")) {
            throw new InvalidNameException(what, name, "'.' and '..' are not allowed");
        }
        if (name.startsWith(INTERNAL_PREFIX)) {
            throw new InvalidNameException(what, name, "names starting with '" + INTERNAL_PREFIX + "' are reserved for Herald's internal topics");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
            if (!ok) {
                throw new InvalidNameException(what, name, "character '" + c + "' at index " + i
                        + " is not allowed; use only A-Z a-z 0-9 . _ -");
            }
        }
        return name;
    }
}
