# frozen_string_literal: true

require "test_helper"

class IdempotencyTest < Minitest::Test
  def client
    @client ||= Env.client
  end

  def params
    { amount: 1000, currency: "INR", order_id: Env.order_id }
  end

  def test_the_same_key_and_body_replay_the_first_answer
    body = params
    key = "order-#{SecureRandom.hex(16)}"
    first = client.payments.create(body, idempotency_key: key)
    again = client.payments.create(body, idempotency_key: key)
    assert_equal first.id, again.id
    assert_nil first.last_response["idempotent-replayed"]
    assert_equal "true", again.last_response["Idempotent-Replayed"]
  end

  def test_the_same_key_with_another_body_is_an_idempotency_error
    key = "order-#{SecureRandom.hex(16)}"
    client.payments.create(params, idempotency_key: key)
    error = assert_raises(Expe::IdempotencyError) { client.payments.create(params, idempotency_key: key) }
    assert_kind_of Expe::ConflictError, error
    assert_equal "idempotency_key_reused", error.code
    assert_equal 409, error.http_status
  end

  def test_without_a_key_every_call_creates_anew
    body = params
    refute_equal client.payments.create(body).id, client.payments.create(body).id
  end
end
