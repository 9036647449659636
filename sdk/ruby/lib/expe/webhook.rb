# frozen_string_literal: true

require "base64"
require "json"
require "openssl"
require "securerandom"

module Expe
  # Verifies the webhooks Expe sends (the Standard Webhooks scheme): the signature is
  # `v1,` + base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")), the key being the
  # base64-decoded part of the endpoint's secret after `whsec_`.
  module Webhook
    DEFAULT_TOLERANCE_SECONDS = 300
    SECRET_PREFIX = "whsec_"
    HEADERS = %w[webhook-id webhook-timestamp webhook-signature].freeze
    # As strong as the secrets Expe makes itself.
    SECRET_BYTES = 24

    module_function

    # A new signing secret, `whsec_` + base64 of 24 random bytes: for an endpoint created with
    # `secret:`, so that the receiver is configured with it before the endpoint exists.
    def generate_secret
      "#{SECRET_PREFIX}#{Base64.strict_encode64(SecureRandom.bytes(SECRET_BYTES))}"
    end

    # Checks a received webhook and answers its event (snake_case, as every answer). Accepts the
    # message when any of the signatures in `webhook-signature` matches (two are sent while a
    # rotated secret is in its grace period) and `webhook-timestamp` is within `tolerance`
    # seconds of now, either way.
    #
    # `payload` is the raw body, exactly as received (parse it only after this); `headers` the
    # request's, names in any case: a Hash of strings or of arrays (WEBrick's `req.header`), or
    # a Rack env (`HTTP_WEBHOOK_ID`). Raises SignatureVerificationError.
    def verify(payload, headers, secret, tolerance: DEFAULT_TOLERANCE_SECONDS)
      found = webhook_headers(headers)
      timestamp = found["webhook-timestamp"]
      unless timestamp.match?(/\A\d{1,12}\z/)
        raise SignatureVerificationError, "webhook-timestamp is not whole seconds since 1970."
      end

      check_age(Time.now.to_i - Integer(timestamp, 10), tolerance)
      expected = sign(secret, found["webhook-id"], Integer(timestamp, 10), payload)
      # Every entry is compared, in constant time, so timing tells nothing about the rest.
      matches = found["webhook-signature"].split.map do |offered|
        OpenSSL.secure_compare(expected, offered)
      end
      unless matches.any?
        raise SignatureVerificationError,
              "No signature matches: check the secret, and that the body is the raw bytes received."
      end

      event(payload)
    end

    # The signature of a message (`v1,<base64>`), as Expe computes it: for testing a receiver.
    def sign(secret, message_id, timestamp, payload)
      encoded = secret.start_with?(SECRET_PREFIX) ? secret.delete_prefix(SECRET_PREFIX) : secret
      key = begin
        Base64.strict_decode64(encoded)
      rescue ArgumentError
        nil
      end
      if key.nil? || key.empty?
        raise SignatureVerificationError, "The secret is not `whsec_` followed by base64."
      end

      digest = OpenSSL::HMAC.digest("SHA256", key, "#{message_id}.#{timestamp}.#{payload}")
      "v1,#{Base64.strict_encode64(digest)}"
    end

    def check_age(age, tolerance)
      return if age.abs <= tolerance

      said = age.positive? ? "old" : "in the future"
      raise SignatureVerificationError,
            "webhook-timestamp is #{age.abs} s #{said}; at most #{tolerance} s is accepted " \
            "(a replayed or delayed message)."
    end

    def webhook_headers(headers)
      lowered = headers.to_h do |name, value|
        # Rack spells `webhook-id` as HTTP_WEBHOOK_ID.
        name = name.to_s.downcase
        name = name.delete_prefix("http_").tr("_", "-") if name.start_with?("http_")
        [name, Array(value).join(" ")]
      end
      HEADERS.to_h do |name|
        value = lowered[name].to_s.strip
        raise SignatureVerificationError, "The #{name} header is missing." if value.empty?

        [name, value]
      end
    end

    def event(payload)
      parsed = JSON.parse(payload)
      raise SignatureVerificationError, "The body is not a JSON object." unless parsed.is_a?(Hash)

      ExpeObject.from(Naming.from_api(parsed))
    rescue JSON::ParserError
      raise SignatureVerificationError, "The body is not JSON."
    end

    private_class_method :check_age, :webhook_headers, :event
  end
end
