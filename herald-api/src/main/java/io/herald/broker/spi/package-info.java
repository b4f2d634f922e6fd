/**
 * For those who implement a broker or extend one, not for applications: the base of every
 * backend's delivery ({@link io.herald.broker.spi.AbstractDelivery}), how a push consumer
 * calls a handler ({@link io.herald.broker.spi.HandlerCall}), how a dead letter is stored
 * ({@link io.herald.broker.spi.DeadLetterFormat}), Kafka's key-to-partition mapping that every
 * backend keeps ({@link io.herald.broker.spi.KeyPartitioner}) and the base of broker decorators
 * ({@link io.herald.broker.spi.ForwardingBroker}). It depends on {@code io.herald.broker}, never
 * the other way round (ArchitectureTest).
 */
package io.herald.broker.spi;
