package io.herald;

/** The settings of one backend; {@link Herald#open} finds the backend that takes them. */
public interface BackendConfig {
}
