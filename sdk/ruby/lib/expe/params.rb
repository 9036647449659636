# frozen_string_literal: true

require "erb"

module Expe
  # The query of a GET: lists as a repeated parameter (`status=a&status=b`), booleans as
  # `true`/`false`, nil left out.
  module Params
    module_function

    def query(params)
      Naming.to_api(params).flat_map do |name, value|
        Array(value).compact.map { |item| "#{escape(name)}=#{escape(item)}" }
      end.join("&")
    end

    def escape(value)
      ERB::Util.url_encode(value.to_s)
    end
  end
end
