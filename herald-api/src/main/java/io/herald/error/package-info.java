/**
 * The root of Herald's errors, below every other package so that each layer's exceptions
 * ({@code io.herald.event}, {@code io.herald.broker}, the backends') can extend it without a
 * package cycle; catching {@link io.herald.error.HeraldException} catches every error Herald raises
 * on purpose.
 */
package io.herald.error;
