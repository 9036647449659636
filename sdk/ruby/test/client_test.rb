# frozen_string_literal: true

require "test_helper"

class ClientTest < Minitest::Test
  def setup
    @upstream = ScriptedServer.new(
      [{ status: 201, headers: { "Content-Type" => "application/json", "X-Request-ID" => "req_standin" },
         body: '{"id":"pay_1","orderId":"o_1","metadata":{"cart_id":"c-1"},"card":{"last4":"4242"}}' }]
    )
  end

  def teardown
    @upstream.stop
  end

  def standin(**options)
    Expe::Client.new("sk_test_abc", base_url: @upstream.url, **options)
  end

  def test_tells_test_keys_from_live_ones
    assert Expe::Client.new("sk_test_abc").test_mode?
    assert Expe::Client.new("pk_test_abc").test_mode?
    refute Expe::Client.new("sk_live_abc").test_mode?
    refute Expe::Client.new("pk_live_abc").test_mode?
  end

  def test_reads_the_base_url_from_the_environment_unless_given_one
    assert_equal Env.get("EXPE_API_URL").chomp("/"), Expe::Client.new("sk_test_abc").base_url
    given = Expe::Client.new("sk_test_abc", base_url: "https://api.example.com/")
    assert_equal "https://api.example.com", given.base_url
    assert_in_delta 30.0, given.timeout
    assert_equal 2, given.max_network_retries
  end

  def test_refuses_an_unknown_option
    assert_raises(ArgumentError) { Expe::Client.new("sk_test_abc", baseUrl: "https://api.example.com") }
    assert_raises(ArgumentError) { standin.payments.retrieve("pay_1", idempotencyKey: "k") }
  end

  def test_sends_snake_case_params_as_camel_case_and_reads_answers_back_in_snake_case
    payment = standin.payments.create(amount: 1000, currency: "INR", order_id: "o_1",
                                      metadata: { cart_id: "c-1" }, return_url: "https://shop.example.com")
    request = @upstream.requests.first
    assert_equal({ "amount" => 1000, "currency" => "INR", "orderId" => "o_1",
                   "metadata" => { "cart_id" => "c-1" }, "returnUrl" => "https://shop.example.com" },
                 JSON.parse(request.body))
    assert_equal "o_1", payment.order_id
    assert_equal "o_1", payment[:order_id]
    assert_equal "4242", payment.card.last4
    # Metadata keys are the merchant's own: never renamed.
    assert_equal({ cart_id: "c-1" }, payment.metadata.to_h)
    assert_equal({ id: "pay_1", order_id: "o_1", metadata: { cart_id: "c-1" }, card: { last4: "4242" } },
                 payment.to_h)
  end

  def test_sends_the_key_the_version_and_a_fresh_idempotency_key_on_every_post
    client = standin
    first = client.payments.create(amount: 1000, currency: "INR", order_id: "o_1")
    client.payments.create(amount: 1000, currency: "INR", order_id: "o_2")
    client.payments.retrieve("pay_1")

    created, again, read = @upstream.requests
    assert_equal "Bearer sk_test_abc", created.headers["authorization"]
    assert created.headers["user-agent"].start_with?("expe-ruby/#{Expe::VERSION} ")
    assert_equal "application/json", created.headers["content-type"]
    assert_operator created.headers["idempotency-key"].length, :>=, 32
    refute_equal created.headers["idempotency-key"], again.headers["idempotency-key"]
    refute read.headers.key?("idempotency-key")
    assert_equal "GET", read.method
    assert_equal "/api/v1/payments/pay_1", read.path
    assert_equal "req_standin", first.last_response.request_id
    assert_equal "req_standin", client.last_response.request_id
  end

  def test_takes_the_idempotency_key_and_headers_of_a_call
    client = standin(headers: { "X-Shop" => "chai" })
    client.payments.create({ amount: 1000, currency: "INR", order_id: "o_1" },
                           { idempotency_key: "order-o_1", headers: { "X-Trace" => "t-1" } })
    request = @upstream.requests.first
    assert_equal "order-o_1", request.headers["idempotency-key"]
    assert_equal "chai", request.headers["x-shop"]
    assert_equal "t-1", request.headers["x-trace"]
  end

  def test_an_answer_that_is_not_a_json_object_is_an_api_error
    upstream = ScriptedServer.new([{ status: 200, body: "<html>maintenance</html>" }])
    client = Expe::Client.new("sk_test_abc", base_url: upstream.url)
    error = assert_raises(Expe::ApiError) { client.payments.retrieve("pay_1") }
    assert_equal "<html>maintenance</html>", error.http_body
  ensure
    upstream&.stop
  end

  def test_encodes_list_filters_as_repeated_parameters_and_times_in_utc
    standin.payments.list(status: %w[succeeded failed], from: Time.new(2025, 1, 31, 15, 45, 2, "+05:30"),
                          min_amount: 100, q: "order 1")
    assert_equal "/api/v1/payments?status=succeeded&status=failed&from=2025-01-31T10%3A15%3A02.000Z" \
                 "&minAmount=100&q=order%201",
                 @upstream.requests.first.path
  end
end
