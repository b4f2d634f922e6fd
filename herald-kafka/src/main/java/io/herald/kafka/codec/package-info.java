/**
 * Events as Kafka records: {@link io.herald.kafka.codec.CloudEventsBinaryMode} is the binary mode
 * of the CloudEvents Kafka protocol binding (1.0.2), both ways. Attributes travel as {@code ce_*}
 * headers (the content type as {@code content-type}), the partition key as the record key, the
 * data as the value, and the types of typed extensions in Herald's own header
 * {@code herald_extension_types}.
 *
 * <pre>
 *  Event ──key, value, headers──▶ ProducerRecord   publish.Publisher, delay.DelayRecord, failure.FailureLog (dead letters)
 *     └─ encodedSize: what the max event size is checked against, before anything is sent
 *  ConsumerRecord ──decode──▶ Event                read.RecordEvents: readers, both engines, the dead-letter queue
 *     └─ MalformedEventException when the record is no CloudEvent in binary mode
 * </pre>
 *
 * Stateless; a decoded event takes the record's value as its data, without a copy.
 */
package io.herald.kafka.codec;
