# frozen_string_literal: true

require "test_helper"

class WalletsTest < Minitest::Test
  def client
    @client ||= Env.client
  end

  def test_opens_one_wallet_per_currency
    wallet = client.wallets.create(currency: "INR")
    again = client.wallets.create(currency: "INR")
    assert wallet.id.start_with?("wal_")
    assert_equal wallet.id, again.id
    assert_equal 200, again.last_response.status
    assert_equal "merchant", wallet.owner.type
    assert_equal Env.merchant_id, wallet.owner.id
    assert_includes client.wallets.list.data.map(&:id), wallet.id
    assert_equal "INR", client.wallets.retrieve(wallet.id).currency
  end

  def test_a_topup_adds_to_the_balance_and_the_statement
    wallet = client.wallets.create(currency: "INR")
    topup = client.topups.create(wallet_id: wallet.id, amount: 5000, source: { type: "bank" })
    assert topup.id.start_with?("txn_")
    assert_equal "succeeded", topup.status
    assert_equal "succeeded", client.topups.retrieve(topup.id).status
    assert_equal wallet.available + 5000, client.wallets.retrieve(wallet.id).available

    client.topups.create(wallet_id: wallet.id, amount: 700, source: { type: "upi", vpa: "shop@upi" })
    entries = client.wallets.entries(wallet.id, limit: 1)
    assert_equal 700, entries.data.first.amount
    assert entries.has_more
    movements = entries.map(&:movement_id)
    assert_equal entries.total, movements.size
    assert_includes movements, topup.id

    assert_includes client.wallets.export_entries(wallet.id), topup.id
  end

  def test_transfers_to_a_person_by_email_then_by_wallet
    wallet = client.wallets.create(currency: "INR")
    client.topups.create(wallet_id: wallet.id, amount: 3000, source: { type: "bank" })

    by_email = client.transfers.create(from_wallet_id: wallet.id, to: { email: Env.get("EXPE_RECIPIENT_EMAIL") },
                                       amount: 1000, currency: "INR", note: "cashback")
    assert_equal "transfer", by_email.type
    assert_equal "succeeded", by_email.status
    assert_equal wallet.id, by_email.from_wallet_id

    by_wallet = client.transfers.create(from_wallet_id: wallet.id, to: { wallet_id: by_email.to_wallet_id },
                                        amount: 500, currency: "INR")
    assert_equal by_email.to_wallet_id, client.transfers.retrieve(by_wallet.id).to_wallet_id
  end
end
