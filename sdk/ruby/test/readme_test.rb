# frozen_string_literal: true

require "net/http"
require "open3"
require "socket"
require "tmpdir"
require "test_helper"

# Runs the README's examples against the stack. Its ```ruby blocks are snippets run in order as
# one script, except a block that starts with a file's name (`# receiver.rb: ...`), which is a
# program of its own: the webhook receiver, started and sent real signed webhooks and a challenge.
class ReadmeTest < Minitest::Test
  README = File.expand_path("../README.md", __dir__)
  LIB = File.expand_path("../lib", __dir__)
  PROGRAM = /\A# [\w-]+\.rb/

  def blocks
    File.read(README).scan(/^```ruby\n(.*?)^```$/m).flatten
  end

  def test_the_snippets_run
    snippets = blocks.grep_v(PROGRAM)
    assert_operator snippets.size, :>, 10
    output, status = Dir.mktmpdir do |dir|
      script = File.join(dir, "readme.rb")
      File.write(script, snippets.join("\n"))
      Open3.capture2e(RbConfig.ruby, "-I", LIB, script)
    end
    assert status.success?, output
    assert_includes output, "card_declined: "
    assert_includes output, "signature_mismatch"
    assert_includes output, "pending_verification connection_error"
  end

  def test_the_webhook_receiver_accepts_signed_deliveries_only
    receiver = blocks.grep(PROGRAM).first
    client = Env.client
    endpoint = client.webhook_endpoints.create(url: "http://127.0.0.1:1/unused")
    port = free_port
    Dir.mktmpdir do |dir|
      program = File.join(dir, "receiver.rb")
      File.write(program, receiver)
      pid = spawn({ "PORT" => port.to_s, "EXPE_WEBHOOK_SECRET" => endpoint.secret },
                  RbConfig.ruby, "-I", LIB, program, %i[out err] => File::NULL)
      begin
        Wait.until_found("the receiver on port #{port}") { accepting?(port) }
        client.webhook_endpoints.update(endpoint.id, url: "http://127.0.0.1:#{port}/")
        ping = client.webhook_endpoints.ping(endpoint.id)
        assert ping.ok, ping.inspect
        assert_equal 204, ping.status
        checked = client.webhook_endpoints.update(endpoint.id, verification: "challenge")
        assert_equal "verified", checked.handshake.status, checked.inspect
        assert_equal "enabled", checked.status

        forged = Net::HTTP.post(URI("http://127.0.0.1:#{port}/"), '{"type":"payment.completed"}',
                                "Content-Type" => "application/json", "webhook-id" => "msg_1",
                                "webhook-timestamp" => Time.now.to_i.to_s, "webhook-signature" => "v1,Zm9yZ2Vk")
        assert_equal "400", forged.code
      ensure
        Process.kill("TERM", pid)
        Process.wait(pid)
        client.webhook_endpoints.delete(endpoint.id)
      end
    end
  end

  private

  def free_port
    server = TCPServer.new("127.0.0.1", 0)
    server.addr[1]
  ensure
    server&.close
  end

  def accepting?(port)
    TCPSocket.new("127.0.0.1", port).close
    true
  rescue SystemCallError
    false
  end
end
