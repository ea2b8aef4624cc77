/// The services and settings that every connection of one server shares.
struct SandboxConnectionContext: Sendable {
  let api: SandboxAPI
  let faults: SandboxFaultInjector
  let log: SandboxRequestLog?
  let limits: HTTPRequestLimits
  /// Seconds a connection may wait for the next bytes before the server closes it.
  let idleTimeout: Double
  /// Whether the server is stopping, so idle connections should close.
  let isStopping: @Sendable () -> Bool
}

/// One client connection on its own thread: reads requests one after another (keep-alive and
/// pipelining included), injects faults, sends the responses and closes the socket at the end.
final class SandboxConnection {
  /// Milliseconds between checks of the stop flag while waiting for bytes.
  private static let pollMilliseconds: Int32 = 100
  /// Seconds a stopping server still waits for the rest of a request that has begun to arrive.
  private static let stopGrace = 2.0

  private let socket: StreamSocket
  private let context: SandboxConnectionContext
  /// Received bytes. Those before `start` belong to requests already handled.
  private var buffer: [UInt8] = []
  private var start = 0
  private var scratch = [UInt8](repeating: 0, count: 64 * 1024)

  init(socket: StreamSocket, context: SandboxConnectionContext) {
    self.socket = socket
    self.context = context
  }

  func run() {
    while let request = readRequest(), serve(request) {}
    socket.close()
  }

  /// Reads the next whole request. Returns nil when the connection should close: the client
  /// closed it, it stayed idle too long, the server is stopping, or the request could not be
  /// read, in which case the error response has been sent.
  private func readRequest() -> HTTPRequest? {
    var parsed: (head: HTTPRequestHead, length: Int)?
    var sentContinue = false
    while true {
      if parsed == nil {
        do {
          parsed = try HTTPRequestParser.parseHead(buffer[start...], limits: context.limits)
        } catch {
          reject(error)
          return nil
        }
      }
      if let (head, headLength) = parsed {
        let total = headLength + head.contentLength
        if buffer.count - start >= total {
          let body = Array(buffer[(start + headLength)..<(start + total)])
          consume(total)
          return HTTPRequest(head: head, body: body)
        }
        if head.expectsContinue && !sentContinue {
          sentContinue = true
          guard socket.send(HTTPResponse.continueBytes) else { return nil }
        }
      }
      guard receiveMore() else { return nil }
    }
  }

  /// Waits for more bytes and appends them to the buffer. Returns false when the connection
  /// should close instead.
  private func receiveMore() -> Bool {
    let isIdle = start == buffer.count
    var waited = 0.0
    while !socket.waitReadable(milliseconds: Self.pollMilliseconds) {
      waited += Double(Self.pollMilliseconds) / 1000
      if context.isStopping() && (isIdle || waited >= Self.stopGrace) { return false }
      if waited >= context.idleTimeout { return false }
    }
    let received = scratch.withUnsafeMutableBytes { socket.receive(into: $0) }
    guard case .bytes(let count) = received else { return false }
    buffer.append(contentsOf: scratch[..<count])
    return true
  }

  private func consume(_ count: Int) {
    start += count
    if start == buffer.count {
      buffer.removeAll(keepingCapacity: true)
      start = 0
    } else if start >= 64 * 1024 {
      buffer.removeFirst(start)
      start = 0
    }
  }

  /// Sends the error response for a request that could not be read, and logs it.
  private func reject(_ error: HTTPRequestError) {
    let startedAt = wallClockMilliseconds()
    let detail = error.message.prefix(1).uppercased() + error.message.dropFirst() + "."
    var response = HTTPResponse.error(error.status, detail)
    response.closesConnection = true
    _ = socket.send(response.serialized(keepAlive: false, dateMilliseconds: startedAt))
    context.log?.record(
      SandboxLogEntry(
        startedAt: startedAt, method: nil, target: nil, status: error.status, seconds: 0,
        fault: nil))
  }

  /// Applies the faults, handles one request, sends the response and logs the request.
  /// Returns whether to keep the connection open.
  private func serve(_ request: HTTPRequest) -> Bool {
    let started = monotonicSeconds()
    var entry = SandboxLogEntry(
      startedAt: wallClockMilliseconds(), method: request.head.method,
      target: request.head.target, status: nil, seconds: 0, fault: nil)
    defer {
      entry.seconds = monotonicSeconds() - started
      context.log?.record(entry)
    }

    let decision = context.faults.decide(at: started)
    if decision == .drop {
      entry.fault = "drop"
      return false
    }
    sleepSeconds(context.faults.faults.latency)

    var response: HTTPResponse
    switch decision {
    case .rateLimit(let retryAfter):
      entry.fault = "rate-limit"
      response = .error(
        429,
        "Too many requests: the sandbox's rate limit is \(rateText) requests a second. "
          + "Retry after \(retryAfter) second\(retryAfter == 1 ? "" : "s").")
      response.headers.append(("Retry-After", String(retryAfter)))
    case .fail:
      entry.fault = "fail"
      response = .error(
        503,
        "The service is unavailable: the sandbox's --fail-rate refused this request. "
          + "Nothing was changed.")
    case .handle(let losing):
      response = context.api.respond(to: request)
      if let losing {
        entry.fault = "lose-\(losing.rawValue)(\(response.status))"
        if losing == .drop { return false }
        response = .error(
          504,
          "Gateway timeout: the sandbox's --lose-rate lost the response, so the outcome "
            + "of the request is unknown.")
      }
    case .drop:
      return false
    }

    let keepAlive = request.head.keepAlive && !response.closesConnection && !context.isStopping()
    let sent = socket.send(
      response.serialized(keepAlive: keepAlive, dateMilliseconds: wallClockMilliseconds()))
    entry.status = response.status
    return sent && keepAlive
  }

  private var rateText: String {
    let rate = context.faults.faults.rateLimit ?? 0
    return rate == rate.rounded() ? String(Int(rate)) : String(rate)
  }
}
