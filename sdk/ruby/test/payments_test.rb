# frozen_string_literal: true

require "test_helper"

class PaymentsTest < Minitest::Test
  def client
    @client ||= Env.client
  end

  def test_creates_a_payment_for_the_hosted_checkout
    order_id = Env.order_id
    payment = client.payments.create(amount: 49_900, currency: "INR", order_id: order_id,
                                     description: "Two cups of chai", metadata: { cart_id: "c-42" })
    assert payment.id.start_with?("pay_")
    assert_equal "created", payment.status
    assert_equal 49_900, payment[:amount]
    assert_equal order_id, payment.order_id
    assert_equal "c-42", payment.metadata[:cart_id]
    assert_equal "test", payment.mode
    assert_includes payment.checkout_url, payment.client_secret
    assert_nil payment.method
    assert_equal 201, payment.last_response.status
    assert_match(/\Areq_/, payment.last_response.request_id)

    read = client.payments.retrieve(payment.id)
    assert_equal payment.id, read.id
    assert_equal payment.to_h[:metadata], read.to_h[:metadata]
  end

  def test_a_list_iterates_every_payment_across_pages
    created = Array.new(5) { Factory.payment(client).id }

    first = client.payments.list(limit: 2)
    assert_kind_of Expe::Page, first
    assert_equal 2, first.data.size
    assert_equal 1, first.page
    assert first.has_more
    assert_operator first.total, :>=, 5
    # Newest first: the last one created leads.
    assert_equal created.last, first.data.first.id

    seen = first.map(&:id)
    assert_equal first.total, seen.size
    assert_equal seen.uniq, seen
    assert_empty created - seen

    second = first.next_page
    assert_equal 2, second.page
    assert_equal seen[2, 2], second.data.map(&:id)
  end

  def test_auto_pagination_fetches_the_next_page_only_when_needed
    3.times { Factory.payment(client) }
    page = client.payments.list(limit: 1)
    first_request = client.last_response.request_id
    assert_equal page.data.first.id, page.first.id
    assert_equal first_request, client.last_response.request_id
    assert_equal 2, page.lazy.map(&:id).first(2).size
    refute_equal first_request, client.last_response.request_id
  end

  def test_filters_the_list_by_order_id_and_status
    payment = Factory.payment(client)
    found = client.payments.list(q: payment.order_id, status: %w[created processing])
    assert_equal [payment.id], found.data.map(&:id)
    assert_equal 0, client.payments.list(q: payment.order_id, status: "succeeded").total
  end

  def test_cancels_a_payment_and_keeps_its_history
    payment = Factory.payment(client)
    assert_equal "canceled", client.payments.cancel(payment.id, reason: "customer left").status

    history = client.payments.history(payment.id)
    assert_equal payment.id, history.payment_id
    assert_equal %w[created canceled], history.data.map(&:to)
    assert_equal "created", history.data[1].from
  end

  def test_exports_the_list_as_csv
    payment = Factory.payment(client)
    lines = client.payments.export(q: payment.order_id).delete("\r").split("\n").reject(&:empty?)
    assert lines.first.start_with?("id,status,amount,currency")
    assert_equal 2, lines.size
    assert lines[1].start_with?("#{payment.id},created,1000,INR")
  end

  def test_lists_the_merchants_transactions
    payment = Factory.payment(client)
    assert_equal payment.id, client.transactions.list(Env.merchant_id, limit: 5).data.first.id
  end

  def test_reports_the_merchants_analytics
    summary = client.analytics.summary(from: Time.now - 86_400)
    assert_equal Env.merchant_id, summary.merchant_id
    assert_equal "test", summary.mode
    assert_kind_of Array, summary.payments_created

    overview = client.analytics.overview(days: 7, tz: "Asia/Kolkata")
    assert_equal "Asia/Kolkata", overview.timezone
    assert_kind_of Array, overview.currencies
  end
end
