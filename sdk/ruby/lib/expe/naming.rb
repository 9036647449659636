# frozen_string_literal: true

require "time"

module Expe
  # Ruby's snake_case names to the API's camelCase and back, e.g. `order_id` <-> `orderId`.
  # The keys under `metadata` and `headers` are the caller's own and are never renamed.
  module Naming
    OPAQUE = %w[metadata headers].freeze

    module_function

    def camel(name)
      name.to_s.gsub(/_([a-z\d])/) { Regexp.last_match(1).upcase }
    end

    def snake(name)
      name.to_s.gsub(/([a-z\d])([A-Z])/, '\1_\2').downcase
    end

    # Parameters as the API takes them: camelCase keys, times as ISO 8601 in UTC.
    def to_api(value, opaque: false)
      case value
      when Hash
        value.to_h do |key, item|
          [opaque ? key.to_s : camel(key), to_api(item, opaque: OPAQUE.include?(key.to_s))]
        end
      when Array then value.map { |item| to_api(item) }
      when Time, DateTime then value.to_time.utc.iso8601(3)
      when Date then value.iso8601
      when ExpeObject then to_api(value.to_h)
      else value
      end
    end

    # An answer as Ruby reads it: snake_case symbol keys.
    def from_api(value, opaque: false)
      case value
      when Hash
        value.to_h do |key, item|
          [(opaque ? key : snake(key)).to_sym, from_api(item, opaque: OPAQUE.include?(key))]
        end
      when Array then value.map { |item| from_api(item) }
      else value
      end
    end
  end
end
