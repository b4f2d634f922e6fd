package io.herald.jdbc.relay;

/** One committed outbox row waiting to be published: its transaction's commit number, its id, topic and encoded event. */
record PendingRow(long commitSeq, long id, String topic, byte[] event) {
}
