# frozen_string_literal: true

module Expe
  # Base of every error the SDK raises: an error answer of the API, a network failure, or a
  # webhook whose signature does not verify.
  class ExpeError < StandardError
    # `type` is the error's type (`invalid_request_error`, `card_error`, ...), `code` the API's
    # error code (`parameter_invalid`, `card_declined`, ...), `param` the parameter at fault and
    # `request_id` the id to quote when asking for help. `http_headers` have lower-case names;
    # `http_body` is the answer's body exactly as received.
    attr_reader :type, :code, :param, :request_id, :http_status, :http_headers, :http_body

    def initialize(message = nil, type: nil, code: nil, param: nil, request_id: nil,
                   http_status: nil, http_headers: {}, http_body: nil)
      super(message)
      @type = type
      @code = code
      @param = param
      @request_id = request_id
      @http_status = http_status
      @http_headers = http_headers
      @http_body = http_body
    end
  end

  # The request is malformed or a parameter is invalid (400, `invalid_request_error`).
  class InvalidRequestError < ExpeError; end

  # No such resource for this key and mode (404).
  class NotFoundError < InvalidRequestError; end

  # The request conflicts with the current state of a resource (409).
  class ConflictError < ExpeError; end

  # The Idempotency-Key came with another request before, or its first request is still running
  # (409, `idempotency_key_reused` / `idempotency_key_in_use`).
  class IdempotencyError < ConflictError; end

  # No valid API key came with the request (401).
  class AuthenticationError < ExpeError; end

  # The key is valid but may not do this, e.g. a publishable key outside the checkout (403).
  class PermissionError < ExpeError; end

  # The card was declined (402, `card_error`); the payment is now failed.
  class CardError < ExpeError; end

  # A payment by other means was declined: a wallet without the funds, a refused top-up (402,
  # `payment_error`).
  class PaymentError < ExpeError; end

  # Too many requests; the `retry-after` header says when to try again (429).
  class RateLimitError < ExpeError; end

  # The API failed or could not reach one of its services (5xx, `api_error`).
  class ApiError < ExpeError; end

  # The API could not be reached, or did not answer in time.
  class ConnectionError < ExpeError; end

  # A webhook whose signature, timestamp or headers do not verify.
  class SignatureVerificationError < ExpeError; end

  # Turns an error answer into the class its type, or else its status, stands for.
  module Errors
    BY_TYPE = {
      "card_error" => CardError,
      "payment_error" => PaymentError,
      "authentication_error" => AuthenticationError,
      "permission_error" => PermissionError,
      "rate_limit_error" => RateLimitError,
      "idempotency_error" => IdempotencyError,
      "api_error" => ApiError
    }.freeze

    module_function

    def from_response(response)
      body = response.json
      error = body.is_a?(Hash) && body["error"].is_a?(Hash) ? body["error"] : {}
      type = text(error["type"])
      code = text(error["code"])
      class_for(type, code, response.status).new(
        text(error["message"]) || "The API answered #{response.status} without an error body.",
        type: type,
        code: code,
        param: text(error["param"]),
        request_id: text(error["requestId"]) || response.request_id,
        http_status: response.status,
        http_headers: response.headers,
        http_body: response.body
      )
    end

    def class_for(type, code, status)
      return BY_TYPE[type] if BY_TYPE.key?(type)

      # `invalid_request_error` is every other error's type, and an unknown type is read the same
      # way: the status tells them apart.
      case status
      when 401 then AuthenticationError
      when 402 then PaymentError
      when 403 then PermissionError
      when 404 then NotFoundError
      when 409 then code.to_s.start_with?("idempotency_key_") ? IdempotencyError : ConflictError
      when 429 then RateLimitError
      when 500.. then ApiError
      when 400.. then InvalidRequestError
      else ExpeError
      end
    end

    def text(value)
      value.is_a?(String) ? value : nil
    end
  end
end
