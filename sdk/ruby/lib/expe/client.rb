# frozen_string_literal: true

module Expe
  # The Expe API, called with one key: a secret key (`sk_test_...`, `sk_live_...`) on a server,
  # or a publishable key (`pk_...`) for the checkout resource only.
  class Client
    DEFAULT_BASE_URL = "http://localhost:8000"
    DEFAULT_TIMEOUT_SECONDS = 30.0
    DEFAULT_MAX_NETWORK_RETRIES = 2

    attr_reader :api_key, :base_url, :timeout, :max_network_retries, :headers,
                :payments, :checkout, :wallets, :topups, :transfers, :transactions,
                :webhook_endpoints, :webhook_messages, :webhook_attempts, :webhooks,
                :analytics, :rate_limits

    # The last answer of any call made with this client, errors included.
    attr_accessor :last_response

    # `base_url` defaults to the EXPE_API_URL environment variable, else http://localhost:8000;
    # `timeout` is in seconds, for connecting and for each read; `max_network_retries` counts the
    # tries after the first; `headers` are sent with every call.
    def initialize(api_key, base_url: nil, timeout: DEFAULT_TIMEOUT_SECONDS,
                   max_network_retries: DEFAULT_MAX_NETWORK_RETRIES, headers: {})
      if api_key.to_s.strip.empty?
        raise ArgumentError, "An API key is needed: sk_..., or pk_... for checkout."
      end

      @api_key = api_key
      from_env = ENV.fetch("EXPE_API_URL", "")
      @base_url = (base_url || (from_env.empty? ? DEFAULT_BASE_URL : from_env)).chomp("/")
      @timeout = Float(timeout)
      @max_network_retries = Integer(max_network_retries)
      @headers = headers.freeze
      @last_response = nil
      resources(ApiRequestor.new(self))
    end

    # Whether the key is a test-mode key (`sk_test_...`, `pk_test_...`): sandbox money only.
    def test_mode?
      api_key.match?(/\A(sk|pk)_test_/)
    end

    def inspect
      "#<#{self.class.name} #{base_url} #{test_mode? ? 'test' : 'live'} mode>"
    end

    private

    def resources(requestor)
      @payments = Resources::Payments.new(requestor)
      @checkout = Resources::Checkout.new(requestor)
      @wallets = Resources::Wallets.new(requestor)
      @topups = Resources::Topups.new(requestor)
      @transfers = Resources::Transfers.new(requestor)
      @transactions = Resources::Transactions.new(requestor)
      @webhook_endpoints = Resources::WebhookEndpoints.new(requestor)
      @webhook_messages = Resources::WebhookMessages.new(requestor)
      @webhook_attempts = Resources::WebhookAttempts.new(requestor)
      @webhooks = Resources::Webhooks.new(requestor)
      @analytics = Resources::Analytics.new(requestor)
      @rate_limits = Resources::RateLimits.new(requestor)
    end
  end
end
