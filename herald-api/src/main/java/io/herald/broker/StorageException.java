package io.herald.broker;

import io.herald.error.HeraldException;

/** The storage failed (a disk error, a full disk, a data directory in use); carries the cause. */
public final class StorageException extends HeraldException {

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
