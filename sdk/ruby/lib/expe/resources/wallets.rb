# frozen_string_literal: true

module Expe
  module Resources
    # The merchant's wallets, one per currency and mode, and their statements.
    class Wallets < Base
      # Opens the wallet in `currency`, or answers the one already open.
      def create(params, opts = {})
        object("POST", path("wallets"), params, opts)
      end

      # Balances in minor units: available, held, total.
      def retrieve(id, opts = {})
        object("GET", path("wallets/%s", id), {}, opts)
      end

      # Every wallet of the key's mode, in `data`.
      def list(opts = {})
        object("GET", path("wallets"), {}, opts)
      end

      # The wallet's statement, newest first; page, limit.
      def entries(id, params = {}, opts = {})
        page(path("wallets/%s/entries", id), params, opts)
      end

      # The whole statement as CSV.
      def export_entries(id, opts = {})
        raw("GET", path("wallets/%s/entries", id), { format: "csv" }, opts).body
      end
    end

    # Money into a wallet from a sandbox bank or UPI source. In test mode an amount ending in 99
    # minor units is declined (PaymentError `topup_declined`).
    class Topups < Base
      # wallet_id, amount, source (`{type: "bank"}` or `{type: "upi", vpa: ...}`).
      def create(params, opts = {})
        object("POST", path("topups"), params, opts)
      end

      def retrieve(id, opts = {})
        object("GET", path("topups/%s", id), {}, opts)
      end
    end

    # Money from one of the merchant's wallets to another wallet, or to a person by their
    # verified email. Without the funds: PaymentError `insufficient_funds`, and nothing moves.
    class Transfers < Base
      # from_wallet_id, to (`{wallet_id:}` or `{email:}`), amount, currency, note.
      def create(params, opts = {})
        object("POST", path("transfers"), params, opts)
      end

      def retrieve(id, opts = {})
        object("GET", path("transfers/%s", id), {}, opts)
      end
    end

    # The merchant's payments as its transactions, newest first.
    class Transactions < Base
      # `merchant_id` is the key's own merchant (`mer_...`); page, limit.
      def list(merchant_id, params = {}, opts = {})
        page(path("merchants/%s/transactions", merchant_id), params, opts)
      end
    end
  end
end
