# frozen_string_literal: true

# The Ruby client for the Expe payments API.
#
#   client = Expe::Client.new("sk_test_...")
#   payment = client.payments.create(amount: 1000, currency: "INR", order_id: "order_123")
module Expe
end

require_relative "expe/version"
require_relative "expe/errors"
require_relative "expe/naming"
require_relative "expe/response"
require_relative "expe/expe_object"
require_relative "expe/page"
require_relative "expe/params"
require_relative "expe/http_client"
require_relative "expe/api_requestor"
require_relative "expe/webhook"
require_relative "expe/resources/base"
require_relative "expe/resources/payments"
require_relative "expe/resources/checkout"
require_relative "expe/resources/wallets"
require_relative "expe/resources/webhooks"
require_relative "expe/resources/analytics"
require_relative "expe/client"
