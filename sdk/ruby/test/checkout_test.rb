# frozen_string_literal: true

require "test_helper"

# A payment paid the way the hosted checkout pays it, then refunded.
class CheckoutTest < Minitest::Test
  def client
    @client ||= Env.client
  end

  def test_the_customer_pays_by_card_and_the_merchant_refunds
    payment = Factory.payment(client, amount: 50_000)

    shown = Env.checkout.checkout.retrieve(payment.id, client_secret: payment.client_secret)
    assert_equal 50_000, shown.amount
    assert_equal Env.merchant_id, shown.merchant.id

    paid = Factory.pay(payment)
    assert_equal "succeeded", paid.status
    assert_equal "card", paid.method
    assert_equal "4242", client.payments.retrieve(payment.id).card.last4

    partial = client.payments.refund(payment.id, amount: 10_000, reason: "one item returned")
    assert partial.id.start_with?("re_")
    assert_equal 10_000, partial.amount
    assert_equal 10_000, partial.amount_refunded

    rest = client.payments.refund(payment.id)
    assert_equal 40_000, rest.amount
    assert_equal 50_000, rest.amount_refunded

    assert_equal [partial.id, rest.id], client.payments.list_refunds(payment.id).data.map(&:id)
    assert_equal 50_000, client.payments.retrieve(payment.id).amount_refunded
  end

  def test_a_secret_key_opens_the_checkout_without_the_client_secret
    payment = Factory.payment(client)
    assert_equal "succeeded", client.checkout.confirm(payment.id, method: "card", card: Factory.card).status
  end

  def test_a_declined_card_fails_the_payment
    payment = Factory.payment(client)
    error = assert_raises(Expe::CardError) { Factory.pay(payment, Factory::CARD_DECLINED) }
    assert_equal "card_declined", error.code
    assert_equal 402, error.http_status
    assert_equal "failed", client.payments.retrieve(payment.id).status
  end

  def test_a_upi_payment_completes_in_the_sandbox
    payment = Factory.payment(client)
    opts = { client_secret: payment.client_secret }
    checkout = Env.checkout.checkout
    assert_equal "processing", checkout.confirm(payment.id, { method: "upi_qr" }, opts).status
    assert_equal "succeeded", checkout.complete_upi(payment.id, "success", opts).status
  end
end
