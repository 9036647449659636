# frozen_string_literal: true

require "expe"
require "json"
require "webrick"

# A real HTTP server on 127.0.0.1 (WEBrick, in a thread) that answers as its script says (one
# answer per request, the last one repeated) and records every request it gets: the stand-in
# upstream of the retry tests and the webhook receiver.
class ScriptedServer
  Request = Struct.new(:method, :path, :headers, :body, :at, keyword_init: true) do
    def event
      JSON.parse(body)
    end
  end

  # Answers every method, unlike WEBrick's proc handler.
  class Servlet < WEBrick::HTTPServlet::AbstractServlet
    def service(request, response)
      @options.first.answer(request, response)
    end
  end

  attr_reader :url

  # answers: hashes of status, headers, body and delay (seconds); `echo_challenge: true` answers
  # the handshake instead of the body: `{"challenge": …}` of the event received; `verify_with:`
  # (a secret) first checks the signature, as a real receiver does, and answers 400 otherwise.
  def initialize(answers)
    @answers = answers
    @requests = []
    @lock = Mutex.new
    started = Queue.new
    @server = WEBrick::HTTPServer.new(
      BindAddress: "127.0.0.1", Port: 0, Logger: WEBrick::Log.new(File::NULL), AccessLog: [],
      StartCallback: -> { started << true }
    )
    @server.mount("/", Servlet, self)
    @url = "http://127.0.0.1:#{@server.config[:Port]}"
    @thread = Thread.new { @server.start }
    # A shutdown before the server runs would be lost, and `stop` would wait for ever.
    started.pop
  end

  def requests
    @lock.synchronize { @requests.dup }
  end

  def answer(request, response)
    answer = @lock.synchronize do
      @requests << Request.new(
        method: request.request_method,
        path: request.unparsed_uri,
        headers: request.header.transform_values { |values| values.join(", ") },
        body: request.body.to_s,
        at: Process.clock_gettime(Process::CLOCK_MONOTONIC)
      )
      @answers[[@requests.size - 1, @answers.size - 1].min]
    end
    sleep answer[:delay] if answer[:delay]
    refused = answer[:verify_with] && signature_refused(request, answer[:verify_with])
    if refused
      response.status = 400
      response.body = refused
      return
    end
    response.status = answer.fetch(:status, 200)
    answer.fetch(:headers, { "Content-Type" => "application/json" }).each { |name, value| response[name] = value }
    response.body = answer[:echo_challenge] ? challenge_of(request.body) : answer.fetch(:body, "{}")
  end

  def stop
    @server.shutdown
    @thread.join
  end

  private

  # Why `secret` does not verify the request, or nil when it does.
  def signature_refused(request, secret)
    Expe::Webhook.verify(request.body.to_s, request.header, secret)
    nil
  rescue Expe::SignatureVerificationError => e
    e.message
  end

  def challenge_of(event)
    JSON.generate(challenge: JSON.parse(event).dig("data", "challenge"))
  end
end
