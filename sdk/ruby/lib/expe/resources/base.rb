# frozen_string_literal: true

require "erb"

module Expe
  module Resources
    # What every resource shares: calls answered by an object, by a page of a list, or by a file.
    #
    # Each call takes `opts` last: `idempotency_key` (POSTs get a random one otherwise),
    # `timeout` (seconds), `max_network_retries`, `headers`, and `client_secret` (sent as
    # Expe-Client-Secret).
    class Base
      def initialize(requestor)
        @requestor = requestor
      end

      private

      def object(method, path, params = {}, opts = {})
        response = @requestor.request(method, path, params, opts)
        ExpeObject.from(fields(response), response)
      end

      def page(path, params = {}, opts = {})
        response = @requestor.request("GET", path, params, opts)
        Page.of(fields(response), response) do |number|
          page(path, params.merge(page: number), opts)
        end
      end

      def fields(response)
        values = response.json
        return Naming.from_api(values) if values.is_a?(Hash)

        raise ApiError.new("The API answered #{response.status} with something else than a JSON object.",
                           request_id: response.request_id, http_status: response.status,
                           http_headers: response.headers, http_body: response.body)
      end

      def raw(method, path, params = {}, opts = {})
        @requestor.request(method, path, params, opts)
      end

      # `/api/v1/` + the path, each `%s` an id made safe for a path segment.
      def path(template, *ids)
        "/api/v1/#{format(template, *ids.map { |id| ERB::Util.url_encode(id.to_s) })}"
      end
    end
  end
end
