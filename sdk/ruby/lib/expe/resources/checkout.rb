# frozen_string_literal: true

module Expe
  module Resources
    # What the hosted checkout does for the customer: open a payment and pay it. With a
    # publishable key, pass the payment's client secret as `client_secret:` in `opts`; a secret
    # key needs none.
    class Checkout < Base
      # What the checkout page shows: the merchant's name, amount, order, methods.
      def retrieve(id, opts = {})
        object("GET", path("checkout/payments/%s", id), {}, opts)
      end

      # Pays: `{method: "card", card: {number:, exp_month:, exp_year:, cvc:}}` completes at once
      # in test mode (a declined card raises CardError); `upi_qr` starts processing.
      def confirm(id, params, opts = {})
        object("POST", path("checkout/payments/%s/confirm", id), params, opts)
      end

      # Test mode: the customer's UPI app reports "success" or "failure".
      def complete_upi(id, outcome, opts = {})
        completion = path("checkout/payments/%s/sandbox/upi-complete", id)
        object("POST", completion, { outcome: outcome }, opts)
      end
    end
  end
end
