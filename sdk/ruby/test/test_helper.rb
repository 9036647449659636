# frozen_string_literal: true

require "minitest/autorun"
require "expe"

require_relative "support/env"
require_relative "support/wait"
require_relative "support/scripted_server"
require_relative "support/factory"
