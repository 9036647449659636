# frozen_string_literal: true

module Expe
  module Resources
    # Payments: create one for the customer to pay on the hosted checkout, then follow it.
    class Payments < Base
      # amount, currency, order_id, and optionally description, customer, metadata, expires_at,
      # allowed_methods, return_url.
      def create(params, opts = {})
        object("POST", path("payments"), params, opts)
      end

      def retrieve(id, opts = {})
        object("GET", path("payments/%s", id), {}, opts)
      end

      # Newest first. Filters: status (one or a list), from, to, min_amount, max_amount, q (a
      # payment id or order id); page, limit.
      def list(params = {}, opts = {})
        page(path("payments"), params, opts)
      end

      # reason.
      def cancel(id, params = {}, opts = {})
        object("POST", path("payments/%s/cancel", id), params, opts)
      end

      # Refunds `amount`, or all that is left when no amount is given; reason.
      def refund(id, params = {}, opts = {})
        object("POST", path("payments/%s/refund", id), params, opts)
      end

      # The payment's refunds, oldest first, in `data`.
      def list_refunds(id, opts = {})
        object("GET", path("payments/%s/refunds", id), {}, opts)
      end

      # Every state the payment went through (from, to, at, cause, actor), in `data`.
      def history(id, opts = {})
        object("GET", path("payments/%s/history", id), {}, opts)
      end

      # Every payment the list's filters match, as the file's bytes; format `csv` (the default)
      # or `xlsx`.
      def export(params = {}, opts = {})
        raw("GET", path("payments/export"), params, opts).body
      end

      # Every webhook message about the payment with its attempts, newest first, in `data`.
      def webhooks(id, opts = {})
        object("GET", path("payments/%s/webhooks", id), {}, opts)
      end
    end
  end
end
