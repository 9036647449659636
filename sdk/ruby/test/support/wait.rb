# frozen_string_literal: true

# Waits for a condition, not for a time.
module Wait
  module_function

  # Calls the block until it answers something other than nil or false, and answers that.
  def until_found(what, timeout: 20.0)
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout
    loop do
      found = yield
      return found if found
      raise "Waited #{timeout} s for #{what}." if Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline

      sleep 0.1
    end
  end
end
