# frozen_string_literal: true

module Expe
  module Resources
    # Counts and volumes of the merchant's payments in the key's mode.
    class Analytics < Base
      # Payments created per currency within [from, to).
      def summary(params = {}, opts = {})
        object("GET", path("analytics/payments/summary"), params, opts)
      end

      # Today, this month and each of the last `days` days (1-90, default 30) in time zone `tz`
      # (IANA, default UTC), per currency.
      def overview(params = {}, opts = {})
        object("GET", path("analytics/overview"), params, opts)
      end
    end

    # The caller's rate limit buckets and what is left of them (asking costs nothing).
    class RateLimits < Base
      def retrieve(opts = {})
        object("GET", path("rate-limits"), {}, opts)
      end
    end
  end
end
