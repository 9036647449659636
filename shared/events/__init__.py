"""Events: the envelope, the producer, the idempotent consumer and the transactional outbox."""
