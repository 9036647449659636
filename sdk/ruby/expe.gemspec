# frozen_string_literal: true

require_relative "lib/expe/version"

Gem::Specification.new do |spec|
  spec.name = "expe"
  spec.version = Expe::VERSION
  spec.summary = "Ruby client for the Expe payments API"
  spec.description = "Payments and the hosted checkout, refunds, wallets, top-ups and transfers, " \
                     "webhook endpoints and webhook verification, with retries, idempotency keys " \
                     "and auto-paginating lists. No runtime dependencies."
  spec.authors = ["Expe contributors"]
  spec.license = "Apache-2.0"
  spec.required_ruby_version = ">= 3.1"
  spec.files = Dir["lib/**/*.rb"] + %w[README.md CHANGELOG.md]
  spec.require_paths = ["lib"]
  spec.metadata = { "rubygems_mfa_required" => "true" }
end
