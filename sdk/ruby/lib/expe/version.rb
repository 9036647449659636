# frozen_string_literal: true

module Expe
  VERSION = "0.1.0"
end
