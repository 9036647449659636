# frozen_string_literal: true

require "test_helper"

class WebhookEndpointsTest < Minitest::Test
  def client
    @client ||= Env.client
  end

  def setup
    @created = []
    @receivers = []
  end

  def teardown
    @receivers.each(&:stop)
    @created.each do |id|
      client.webhook_endpoints.delete(id)
    rescue Expe::NotFoundError
      nil
    end
  end

  def receiver(*answers)
    ScriptedServer.new(answers).tap { |server| @receivers << server }
  end

  def create(**params)
    client.webhook_endpoints.create(params).tap { |endpoint| @created << endpoint.id }
  end

  def test_creates_reads_lists_updates_and_deletes_an_endpoint
    endpoint = create(url: "https://shop.example.com/hooks/expe", enabled_events: ["payment.*", "refund.issued"],
                      description: "orders")
    assert endpoint.id.start_with?("we_")
    assert endpoint.secret.start_with?("whsec_")
    assert_equal ["payment.*", "refund.issued"], endpoint.enabled_events

    read = client.webhook_endpoints.retrieve(endpoint.id)
    assert_equal "orders", read.description
    refute read.key?(:secret)

    other = create(url: "https://shop.example.com/hooks/other")
    assert_equal ["*"], other.enabled_events
    ids = client.webhook_endpoints.list(limit: 1).map(&:id)
    assert_includes ids, endpoint.id
    assert_includes ids, other.id

    updated = client.webhook_endpoints.update(endpoint.id, enabled: false, description: "paused")
    refute updated.enabled
    assert_equal "paused", updated.description

    deleted = client.webhook_endpoints.delete(endpoint.id)
    assert deleted.deleted
    assert_equal 204, deleted.last_response.status
    assert_raises(Expe::NotFoundError) { client.webhook_endpoints.retrieve(endpoint.id) }
  end

  def test_rotates_the_secret
    endpoint = create(url: "https://shop.example.com/hooks/expe")
    rotated = client.webhook_endpoints.rotate_secret(endpoint.id, grace_seconds: 3600)
    assert_equal endpoint.id, rotated.endpoint_id
    assert rotated.secret.start_with?("whsec_")
    refute_equal endpoint.secret, rotated.secret
    refute_nil rotated.previous_secret_expires_at
  end

  def test_an_endpoint_that_echoes_its_signed_challenge_is_enabled_when_created
    echoing = receiver({ echo_challenge: true })
    endpoint = create(url: "#{echoing.url}/hooks/expe", verification: "challenge")
    assert_equal "challenge", endpoint.verification
    assert_equal "enabled", endpoint.status
    assert endpoint.enabled
    assert_equal "verified", endpoint.handshake.status
    assert_nil endpoint.handshake.failure
    refute_nil endpoint.handshake.verified_at

    challenge = echoing.requests.first
    event = Expe::Webhook.verify(challenge.body, challenge.headers, endpoint.secret)
    assert_equal "endpoint.verification", event.type
    assert_equal "verification", client.webhook_attempts.retrieve(endpoint.handshake.attempt_id).trigger
  end

  def test_a_pending_endpoint_says_why_and_a_new_challenge_enables_it_once_it_echoes
    # The first challenge gets a 200 that does not echo it, the next ones are echoed.
    later = receiver({ body: "ok", headers: { "Content-Type" => "text/plain" } }, { echo_challenge: true })
    endpoint = create(url: "#{later.url}/hooks/expe", verification: "challenge")
    assert_equal "pending_verification", endpoint.status
    refute endpoint.enabled
    assert_equal "pending_verification", endpoint.disabled_reason
    assert_equal "pending", endpoint.handshake.status
    failure = endpoint.handshake.failure
    assert_equal ["challenge_mismatch", 200, "ok"], [failure.code, failure.response_status, failure.response_body]

    verified = client.webhook_endpoints.challenge(endpoint.id)
    assert_equal "enabled", verified.status
    assert_equal "verified", verified.handshake.status
    refute_equal endpoint.handshake.attempt_id, verified.handshake.attempt_id
    assert_equal 2, later.requests.size
    already = assert_raises(Expe::ConflictError) { client.webhook_endpoints.challenge(endpoint.id) }
    assert_equal "endpoint_already_verified", already.code

    plain = create(url: "#{later.url}/hooks/plain")
    assert_equal "none", plain.verification
    assert_nil plain.handshake
    off = assert_raises(Expe::ConflictError) { client.webhook_endpoints.challenge(plain.id) }
    assert_equal "verification_off", off.code
  end

  def test_a_receiver_that_checks_signatures_with_its_own_secret_is_verified_as_the_endpoint_is_created
    secret = Expe::Webhook.generate_secret
    assert_match %r{\Awhsec_[A-Za-z0-9+/]{32}\z}, secret, "24 random bytes"
    refute_equal secret, Expe::Webhook.generate_secret
    checking = receiver({ verify_with: secret, echo_challenge: true })
    endpoint = create(url: "#{checking.url}/hooks/expe", verification: "challenge", secret: secret)
    assert_equal "enabled", endpoint.status, endpoint.handshake.inspect
    assert_equal "verified", endpoint.handshake.status
    assert_equal secret, endpoint.secret

    weak = assert_raises(Expe::InvalidRequestError) do
      create(url: "#{checking.url}/hooks/weak", secret: "whsec_c2hvcnQ=")
    end
    assert_equal "secret", weak.param
  end
end
