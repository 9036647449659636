# frozen_string_literal: true

require "securerandom"

# The sandbox merchant the suite runs as: EXPE_API_URL, EXPE_SECRET_KEY, EXPE_PUBLISHABLE_KEY and
# EXPE_MERCHANT_ID (from `python -m devstack account run`, or the e2e suite's fixture), and
# EXPE_RECIPIENT_EMAIL, a verified user's email that transfers are sent to.
module Env
  module_function

  def get(name)
    value = ENV.fetch(name, "")
    raise "#{name} is not set: take it from `.venv/bin/python -m devstack account run`." if value.empty?

    value
  end

  def client(**options)
    Expe::Client.new(get("EXPE_SECRET_KEY"), **options)
  end

  def checkout
    Expe::Client.new(get("EXPE_PUBLISHABLE_KEY"))
  end

  def merchant_id
    get("EXPE_MERCHANT_ID")
  end

  # An order id no other test or run uses.
  def order_id(label = "order")
    "#{label}_#{SecureRandom.hex(6)}"
  end
end
