# frozen_string_literal: true

require "test_helper"

# Retries against a local stand-in for the API that answers as each test scripts.
class RetriesTest < Minitest::Test
  CREATED = { status: 201, body: '{"id":"pay_1","status":"created"}' }.freeze

  def teardown
    @upstream&.stop
  end

  def client(answers, **options)
    @upstream = ScriptedServer.new(answers)
    Expe::Client.new("sk_test_abc", base_url: @upstream.url, **options)
  end

  def create(client)
    client.payments.create(amount: 1000, currency: "INR", order_id: "o_1").id
  end

  def error(status, type, code, headers = {})
    body = { error: { type: type, code: code, message: code, param: nil } }
    { status: status, headers: { "Content-Type" => "application/json" }.merge(headers), body: JSON.generate(body) }
  end

  def test_a_503_is_retried_after_its_retry_after_with_the_same_idempotency_key
    client = client([error(503, "api_error", "service_unavailable", "Retry-After" => "1"), CREATED])
    assert_equal "pay_1", create(client)

    first, second = @upstream.requests
    assert_equal 2, @upstream.requests.size
    assert_equal first.headers["idempotency-key"], second.headers["idempotency-key"]
    assert_equal first.body, second.body
    assert_operator second.at - first.at, :>=, 1.0
    assert_operator second.at - first.at, :<, 3.0
  end

  def test_a_429_and_an_idempotency_key_in_use_are_retried
    client = client([
                      error(429, "rate_limit_error", "rate_limited", "Retry-After" => "0"),
                      error(409, "invalid_request_error", "idempotency_key_in_use", "Retry-After" => "0"),
                      CREATED
                    ])
    assert_equal "pay_1", create(client)
    assert_equal 3, @upstream.requests.size
  end

  def test_without_retry_after_the_backoff_starts_under_half_a_second
    client = client([error(500, "api_error", "internal_error"), CREATED])
    create(client)
    first, second = @upstream.requests
    assert_operator second.at - first.at, :<, 0.5 + 0.3
  end

  def test_gives_up_after_max_network_retries
    client = client([error(503, "api_error", "service_unavailable", "Retry-After" => "0", "X-Request-ID" => "req_down")])
    error = assert_raises(Expe::ApiError) { create(client) }
    assert_equal 503, error.http_status
    assert_equal "service_unavailable", error.code
    assert_equal "req_down", error.request_id
    assert_equal 1 + Expe::Client::DEFAULT_MAX_NETWORK_RETRIES, @upstream.requests.size
  end

  def test_max_network_retries_is_an_option_of_the_client_and_of_each_call
    client = client([error(503, "api_error", "service_unavailable", "Retry-After" => "0")], max_network_retries: 0)
    assert_raises(Expe::ApiError) { create(client) }
    assert_equal 1, @upstream.requests.size
    assert_raises(Expe::ApiError) { client.payments.retrieve("pay_1", max_network_retries: 3) }
    assert_equal 1 + 4, @upstream.requests.size
  end

  def test_an_invalid_request_is_not_retried
    client = client([error(400, "invalid_request_error", "parameter_invalid"), CREATED])
    assert_raises(Expe::InvalidRequestError) { create(client) }
    assert_equal 1, @upstream.requests.size
  end

  def test_a_timed_out_request_is_retried_with_the_same_idempotency_key
    client = client([CREATED.merge(delay: 2.0), CREATED], timeout: 0.5)
    assert_equal "pay_1", create(client)
    first, second = @upstream.requests
    assert_equal first.headers["idempotency-key"], second.headers["idempotency-key"]
  end
end
