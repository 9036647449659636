# frozen_string_literal: true

require "json"

module Expe
  # One HTTP answer of the API, as received; header names in lower case.
  class Response
    attr_reader :status, :headers, :body

    def initialize(status, headers, body)
      @status = status
      @headers = headers
      @body = body
    end

    def [](name)
      @headers[name.to_s.downcase]
    end

    # The id the gateway gave the request (`x-request-id`), to quote when asking for help.
    def request_id
      self["x-request-id"]
    end

    # The decoded JSON body; nil when empty or not JSON.
    def json
      return nil if @body.nil? || @body.empty?

      JSON.parse(@body)
    rescue JSON::ParserError
      nil
    end
  end
end
