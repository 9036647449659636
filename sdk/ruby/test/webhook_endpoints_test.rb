# frozen_string_literal: true

require "test_helper"

class WebhookEndpointsTest < Minitest::Test
  def client
    @client ||= Env.client
  end

  def setup
    @created = []
  end

  def teardown
    @created.each do |id|
      client.webhook_endpoints.delete(id)
    rescue Expe::NotFoundError
      nil
    end
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
end
