# frozen_string_literal: true

require "test_helper"

# Webhooks the stack really sends, to a receiver on this machine, verified with the SDK.
class WebhooksTest < Minitest::Test
  def client
    @client ||= Env.client
  end

  def setup
    @receiver = ScriptedServer.new([{ status: 204, body: "" }])
    @endpoint = client.webhook_endpoints.create(url: "#{@receiver.url}/hooks/expe",
                                                enabled_events: ["payment.*", "refund.issued"])
  end

  def teardown
    @receiver.stop
    client.webhook_endpoints.delete(@endpoint.id) if @endpoint
  end

  def delivery(what, &matches)
    Wait.until_found(what) { @receiver.requests.find(&matches) }
  end

  def completed(payment_id)
    delivery("payment.completed of #{payment_id}") do |request|
      request.event["type"] == "payment.completed" && request.event["data"]["paymentId"] == payment_id
    end
  end

  def test_a_payments_event_verifies_with_the_endpoints_secret
    payment = Factory.payment(client)
    Factory.pay(payment)
    received = completed(payment.id)
    secret = @endpoint.secret

    event = Expe::Webhook.verify(received.body, received.headers, secret)
    assert_equal "payment.completed", event.type
    assert_equal payment.id, event.data.payment_id
    assert_equal 1000, event.data.amount
    assert_equal "/hooks/expe", received.path
    # The SDK signs exactly as the webhooks service does.
    headers = received.headers
    assert_equal headers["webhook-signature"],
                 Expe::Webhook.sign(secret, headers["webhook-id"], Integer(headers["webhook-timestamp"]), received.body)
    # Headers as a Rack env names them.
    rack = { "HTTP_WEBHOOK_ID" => headers["webhook-id"], "HTTP_WEBHOOK_TIMESTAMP" => headers["webhook-timestamp"],
             "HTTP_WEBHOOK_SIGNATURE" => headers["webhook-signature"] }
    assert_equal event.id, Expe::Webhook.verify(received.body, rack, secret).id

    assert client.webhooks.verify(body: received.body, headers: headers, secret: secret).valid
  end

  def test_a_tampered_body_a_wrong_secret_and_a_stale_or_future_timestamp_are_refused
    payment = Factory.payment(client)
    Factory.pay(payment)
    received = completed(payment.id)
    secret = @endpoint.secret
    body = received.body
    headers = received.headers
    refused = lambda do |why, payload, with_headers, with_secret|
      error = assert_raises(Expe::SignatureVerificationError) { Expe::Webhook.verify(payload, with_headers, with_secret) }
      assert_includes error.message, why
    end

    tampered = body.sub('"amount":1000', '"amount":1')
    refute_equal body, tampered
    refused.call("No signature matches", tampered, headers, secret)
    refused.call("No signature matches", body, headers, "whsec_#{Base64.strict_encode64(SecureRandom.bytes(24))}")

    signed_at = lambda do |at|
      headers.merge("webhook-timestamp" => at.to_s,
                    "webhook-signature" => Expe::Webhook.sign(secret, headers["webhook-id"], at, body))
    end
    refused.call("old", body, signed_at.call(Time.now.to_i - 600), secret)
    refused.call("in the future", body, signed_at.call(Time.now.to_i + 600), secret)
    assert_equal "payment.completed",
                 Expe::Webhook.verify(body, signed_at.call(Time.now.to_i - 600), secret, tolerance: 900).type
    refused.call("webhook-id header is missing", body, headers.reject { |name, _| name == "webhook-id" }, secret)

    checked = client.webhooks.verify(body: tampered, headers: headers, secret: secret)
    refute checked.valid
    assert_equal "signature_mismatch", checked.reason
  end

  def test_a_rotated_secret_signs_beside_the_previous_one
    rotated = client.webhook_endpoints.rotate_secret(@endpoint.id)
    message = client.webhook_endpoints.send_test(@endpoint.id, event_type: "payment.completed")
    assert_equal "test", message.trigger

    received = delivery("the test event") { |request| request.headers["webhook-id"] == message.id }
    assert_equal 2, received.headers["webhook-signature"].split.size
    with_new = Expe::Webhook.verify(received.body, received.headers, rotated.secret)
    with_old = Expe::Webhook.verify(received.body, received.headers, @endpoint.secret)
    assert with_new.data.test
    assert_equal with_new, with_old
  end

  def test_the_messages_and_attempts_of_a_payment_and_a_retry
    payment = Factory.payment(client)
    Factory.pay(payment)
    first = completed(payment.id)

    messages = client.webhook_messages.list(endpoint_id: @endpoint.id, payment_id: payment.id)
    message = messages.data.find { |each| each.event_type == "payment.completed" }
    assert_equal first.headers["webhook-id"], message.id

    attempt = client.webhook_attempts.list(message_id: message.id).data.first
    assert_equal "succeeded", attempt.status
    assert_equal 204, attempt.response_status
    detail = client.webhook_attempts.retrieve(attempt.id)
    assert_equal attempt.id, detail.id
    refute_nil detail.request

    retried = client.webhook_attempts.retry(attempt.id)
    refute_equal attempt.id, retried.id
    assert_equal "manual", retried.trigger
    Wait.until_found("the retried delivery") do
      @receiver.requests.count { |request| request.headers["webhook-id"] == message.id } >= 2
    end

    of_payment = client.payments.webhooks(payment.id)
    assert_equal payment.id, of_payment.payment_id
    assert_operator of_payment.data.find { |each| each.id == message.id }.attempts.size, :>=, 2
  end

  def test_pings_and_replays_the_endpoint
    ping = client.webhook_endpoints.ping(@endpoint.id)
    assert ping.ok
    assert_equal 204, ping.status
    assert ping.attempt_id.start_with?("wa_")

    payment = Factory.payment(client)
    delivery("payment.created") do |request|
      request.event["type"] == "payment.created" && request.event["data"]["paymentId"] == payment.id
    end
    replay = client.webhook_endpoints.replay(@endpoint.id, since: Time.now - 60)
    assert_equal 202, replay.last_response.status
    assert_operator replay.queued, :>=, 1
  end
end
