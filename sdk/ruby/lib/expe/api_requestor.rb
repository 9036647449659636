# frozen_string_literal: true

require "json"
require "securerandom"

module Expe
  # Sends a call to the API: its headers, its idempotency key, and its retries with exponential
  # backoff and full jitter. Resources call it; applications use the resources.
  class ApiRequestor
    BACKOFF_BASE_SECONDS = 0.5
    BACKOFF_CAP_SECONDS = 8.0
    RETRY_AFTER_CAP_SECONDS = 60.0
    CALL_OPTIONS = %i[idempotency_key timeout max_network_retries headers client_secret].freeze
    WITH_BODY = %w[POST PATCH PUT].freeze

    def initialize(client)
      @client = client
      @http = HttpClient.new
    end

    # `params` are the query of a GET or DELETE and the JSON body otherwise; `opts` are
    # idempotency_key, timeout, max_network_retries, headers and client_secret.
    def request(method, path, params = {}, opts = {})
      unknown = opts.keys.map(&:to_sym) - CALL_OPTIONS
      unless unknown.empty?
        raise ArgumentError,
              "Unknown call option(s) #{unknown.join(', ')}; use #{CALL_OPTIONS.join(', ')}."
      end

      opts = opts.transform_keys(&:to_sym)
      with_body = WITH_BODY.include?(method)
      url = @client.base_url + path
      url += "?#{Params.query(params)}" if !with_body && !params.empty?
      body = with_body && !params.empty? ? JSON.generate(Naming.to_api(params)) : nil
      send_with_retries(method, url, headers(method, !body.nil?, opts), body,
                        Float(opts.fetch(:timeout, @client.timeout)),
                        Integer(opts.fetch(:max_network_retries, @client.max_network_retries)))
    end

    def self.new_key
      SecureRandom.hex(20)
    end

    private

    def send_with_retries(method, url, headers, body, timeout, retries)
      attempt = 0
      loop do
        begin
          response = @http.send_request(method, url, headers, body, timeout)
        rescue ConnectionError
          raise if attempt >= retries

          pause(attempt, nil)
          attempt += 1
          next
        end
        @client.last_response = response
        return response if response.status < 400

        error = Errors.from_response(response)
        raise error if attempt >= retries || !retryable?(response, error)

        pause(attempt, response["retry-after"])
        attempt += 1
      end
    end

    def headers(method, with_body, opts)
      headers = {
        "Authorization" => "Bearer #{@client.api_key}",
        "Accept" => "application/json",
        "User-Agent" => "expe-ruby/#{VERSION} Ruby/#{RUBY_VERSION}"
      }
      headers["Content-Type"] = "application/json" if with_body
      # Chosen once per call, so every retry of it is the same request to the API.
      if method == "POST"
        headers["Idempotency-Key"] = (opts[:idempotency_key] || self.class.new_key).to_s
      end
      headers["Expe-Client-Secret"] = opts[:client_secret].to_s if opts[:client_secret]
      @client.headers.merge(opts.fetch(:headers, {})).each do |name, value|
        headers[name.to_s] = value.to_s
      end
      headers
    end

    def retryable?(response, error)
      response.status == 429 || response.status >= 500 ||
        (response.status == 409 && error.code == "idempotency_key_in_use")
    end

    def pause(attempt, retry_after)
      seconds = Float(retry_after, exception: false)
      seconds = if seconds && seconds >= 0
                  [seconds, RETRY_AFTER_CAP_SECONDS].min
                else
                  [BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * (2**attempt)].min * rand
                end
      sleep(seconds)
    end
  end
end
