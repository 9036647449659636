"""Events: the envelope, the Kafka producer, the idempotent consumer and the transactional outbox."""
