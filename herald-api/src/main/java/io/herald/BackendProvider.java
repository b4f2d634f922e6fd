package io.herald;

import io.herald.broker.Broker;

/**
 * A backend's entry point, found with {@link java.util.ServiceLoader} so that the API does not
 * depend on any backend: a backend module lists its provider in
 * {@code META-INF/services/io.herald.BackendProvider}.
 */
public interface BackendProvider {

    /** The settings type this backend takes, such as {@link EmbeddedConfig}. */
    Class<? extends BackendConfig> configType();

    Broker open(BackendConfig config);
}
