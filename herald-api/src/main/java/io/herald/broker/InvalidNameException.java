package io.herald.broker;

import io.herald.error.HeraldException;

/** A topic or subscription name that breaks the naming rules; says which rule. */
public final class InvalidNameException extends HeraldException {

    public InvalidNameException(String what, String name, String rule) {
        super("invalid " + what + " name '" + name + "': " + rule);
    }
}
