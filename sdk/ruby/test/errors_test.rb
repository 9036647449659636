# frozen_string_literal: true

require "test_helper"

# Each error class, from the answers the stack really gives.
class ErrorsTest < Minitest::Test
  def client
    @client ||= Env.client
  end

  def test_an_invalid_parameter_names_the_parameter
    error = assert_raises(Expe::InvalidRequestError) do
      client.payments.create(amount: -5, currency: "INR", order_id: Env.order_id)
    end
    assert_equal 400, error.http_status
    assert_equal "invalid_request_error", error.type
    assert_equal "parameter_invalid", error.code
    assert_equal "amount", error.param
    assert error.message.start_with?("amount:")
    # The request id is the body's, which is also the X-Request-ID header.
    assert_match(/\Areq_/, error.request_id)
    assert_equal error.request_id, error.http_headers["x-request-id"]
    assert_equal "amount", JSON.parse(error.http_body)["error"]["param"]
  end

  def test_an_unknown_payment_is_not_found
    error = assert_raises(Expe::NotFoundError) { client.payments.retrieve("pay_doesnotexist") }
    assert_kind_of Expe::InvalidRequestError, error
    assert_equal 404, error.http_status
    assert_equal "payment_not_found", error.code
  end

  def test_canceling_a_paid_payment_is_a_conflict
    payment = Factory.payment(client)
    Factory.pay(payment)
    error = assert_raises(Expe::ConflictError) { client.payments.cancel(payment.id) }
    assert_equal 409, error.http_status
    assert_equal "payment_state_conflict", error.code
  end

  def test_a_wrong_key_is_an_authentication_error
    error = assert_raises(Expe::AuthenticationError) { Expe::Client.new("sk_test_thisisnotakeyatall").payments.list }
    assert_equal 401, error.http_status
    assert_equal "api_key_invalid", error.code
  end

  def test_a_publishable_key_outside_the_checkout_is_a_permission_error
    error = assert_raises(Expe::PermissionError) { Env.checkout.payments.list }
    assert_equal 403, error.http_status
    assert_equal "publishable_key_not_allowed", error.code
  end

  def test_a_declined_card_is_a_card_error
    payment = Factory.payment(client)
    error = assert_raises(Expe::CardError) { Factory.pay(payment, "4000000000009995") }
    assert_equal "insufficient_funds", error.code
    assert_equal "card_error", error.type
  end

  def test_a_wallet_without_the_funds_is_a_payment_error
    wallet = client.wallets.create(currency: "INR")
    error = assert_raises(Expe::PaymentError) do
      client.transfers.create(from_wallet_id: wallet.id, to: { email: Env.get("EXPE_RECIPIENT_EMAIL") },
                              amount: wallet.available + 1, currency: "INR")
    end
    assert_equal 402, error.http_status
    assert_equal "insufficient_funds", error.code

    declined = assert_raises(Expe::PaymentError) do
      client.topups.create(wallet_id: wallet.id, amount: 10_099, source: { type: "bank" })
    end
    assert_equal "topup_declined", declined.code
  end

  def test_too_many_requests_is_a_rate_limit_error_once_retries_are_spent
    impatient = Env.client(max_network_retries: 0)
    error = assert_raises(Expe::RateLimitError) do
      # The test-mode limit is 25 a second: a few dozen calls in a row cross it.
      500.times { impatient.payments.list(limit: 1) }
    end
    assert_equal 429, error.http_status
    assert_operator Integer(error.http_headers["retry-after"]), :>, 0

    # With its retries the client waits as told and gets through.
    assert_equal 200, Env.client.payments.list(limit: 1).last_response.status
  end

  def test_a_server_error_is_an_api_error
    # The stack answers 5xx only when a part of it is down, which a test cannot cause here: a
    # stand-in answers as the gateway does when a service is unreachable.
    body = { error: { type: "api_error", code: "service_unavailable",
                      message: "The payments service cannot be reached.", param: nil } }
    upstream = ScriptedServer.new([{ status: 503, body: JSON.generate(body),
                                     headers: { "Content-Type" => "application/json", "X-Request-ID" => "req_standin" } }])
    standin = Expe::Client.new("sk_test_abc", base_url: upstream.url, max_network_retries: 0)
    error = assert_raises(Expe::ApiError) { standin.payments.list }
    assert_equal "service_unavailable", error.code
    assert_equal "req_standin", error.request_id
  ensure
    upstream&.stop
  end

  def test_an_unknown_type_is_read_by_its_status
    upstream = ScriptedServer.new([
                                    { status: 404, body: '{"error":{"type":"future_error","code":"gone","message":"Gone."}}' },
                                    { status: 502, body: "Bad Gateway" }
                                  ])
    standin = Expe::Client.new("sk_test_abc", base_url: upstream.url, max_network_retries: 0)
    assert_raises(Expe::NotFoundError) { standin.payments.retrieve("pay_1") }
    error = assert_raises(Expe::ApiError) { standin.payments.retrieve("pay_1") }
    assert_equal "Bad Gateway", error.http_body
    assert_nil error.code
  ensure
    upstream&.stop
  end
end
