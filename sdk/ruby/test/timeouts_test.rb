# frozen_string_literal: true

require "socket"
require "test_helper"

class TimeoutsTest < Minitest::Test
  def teardown
    @upstream&.stop
  end

  def test_an_answer_later_than_the_timeout_is_a_connection_error
    @upstream = ScriptedServer.new([{ delay: 3.0, status: 200, body: "{}" }])
    client = Expe::Client.new("sk_test_abc", base_url: @upstream.url, timeout: 0.5, max_network_retries: 0)
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    error = assert_raises(Expe::ConnectionError) { client.payments.retrieve("pay_1") }
    assert_operator Process.clock_gettime(Process::CLOCK_MONOTONIC) - started, :<, 2.0
    assert_nil error.http_status
  end

  def test_the_timeout_of_one_call_overrides_the_clients
    @upstream = ScriptedServer.new([{ delay: 1.0, status: 200, body: '{"id":"pay_1"}' }])
    client = Expe::Client.new("sk_test_abc", base_url: @upstream.url, timeout: 0.3, max_network_retries: 0)
    assert_equal "pay_1", client.payments.retrieve("pay_1", timeout: 5).id
  end

  def test_an_address_where_nothing_listens_is_a_connection_error
    server = TCPServer.new("127.0.0.1", 0)
    port = server.addr[1]
    server.close
    client = Expe::Client.new("sk_test_abc", base_url: "http://127.0.0.1:#{port}", max_network_retries: 1)
    assert_raises(Expe::ConnectionError) { client.payments.retrieve("pay_1") }
  end
end
