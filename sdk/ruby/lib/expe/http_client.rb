# frozen_string_literal: true

require "net/http"
require "openssl"
require "uri"

module Expe
  # Sends one request with Net::HTTP, Ruby's own client.
  class HttpClient
    NETWORK_ERRORS = [
      Net::OpenTimeout, Net::ReadTimeout, Net::WriteTimeout, Timeout::Error, SocketError,
      EOFError, IOError, SystemCallError, OpenSSL::SSL::SSLError, Net::HTTPBadResponse
    ].freeze

    # Raises ConnectionError when the API cannot be reached or does not answer in time.
    def send_request(method, url, headers, body, timeout)
      uri = URI(url)
      http = Net::HTTP.new(uri.host, uri.port)
      http.use_ssl = uri.scheme == "https"
      http.open_timeout = timeout
      http.read_timeout = timeout
      http.write_timeout = timeout
      # Net::HTTP would resend an idempotent request once by itself; the SDK's retries decide.
      http.max_retries = 0
      request = Net::HTTPGenericRequest.new(method, !body.nil?, true, uri.request_uri, headers)
      request.body = body unless body.nil?
      response = http.start { |connection| connection.request(request) }
      Response.new(response.code.to_i, header_hash(response), response.body || "")
    rescue *NETWORK_ERRORS => e
      raise ConnectionError, "#{method} #{url} failed: #{e.message} (#{e.class})"
    end

    private

    def header_hash(response)
      response.each_header.to_h { |name, value| [name.downcase, value] }
    end
  end
end
