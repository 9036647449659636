# frozen_string_literal: true

module Expe
  # A resource as the API answered it, with snake_case names: `payment.client_secret`,
  # `payment[:client_secret]`, nested objects the same way; `to_h` gives plain hashes back.
  class ExpeObject
    # The HTTP answer this object came from (its request id, status and headers).
    attr_reader :last_response

    def self.from(values, last_response = nil, *extra)
      new(values.transform_values { |value| wrap(value) }, last_response, *extra)
    end

    def self.wrap(value)
      case value
      when Hash then ExpeObject.from(value)
      when Array then value.map { |item| wrap(item) }
      else value
      end
    end

    def initialize(values = {}, last_response = nil)
      @values = values
      @last_response = last_response
    end

    def [](key)
      @values[key.to_sym]
    end

    def key?(key)
      @values.key?(key.to_sym)
    end

    def keys
      @values.keys
    end

    def to_h
      @values.transform_values { |value| self.class.unwrap(value) }
    end

    def self.unwrap(value)
      case value
      when ExpeObject then value.to_h
      when Array then value.map { |item| unwrap(item) }
      else value
      end
    end

    def to_json(*args)
      to_h.to_json(*args)
    end

    def ==(other)
      other.is_a?(ExpeObject) && other.to_h == to_h
    end

    def inspect
      "#<#{self.class.name} #{to_h.inspect}>"
    end

    # A payment's `method` field (`card`, `upi_qr`, `wallet`); `method(:name)` is still
    # Object#method.
    def method(name = nil)
      return super(name) unless name.nil?

      self[:method]
    end

    def method_missing(name, *args)
      return @values[name] if args.empty? && @values.key?(name)

      super
    end

    def respond_to_missing?(name, include_private = false)
      @values.key?(name) || super
    end
  end
end
