import Dispatch
import Synchronization

/// A local, stateful server that behaves like the Trakstar Hire API v2, listening on 127.0.0.1.
///
/// ```swift
/// var configuration = SandboxConfiguration()
/// configuration.port = 0  // any free port
/// let server = try SandboxServer(configuration)
/// // requests go to server.baseURL with "Authorization: ApiKey \(server.apiKey)"
/// try server.stop()
/// ```
///
/// Each connection gets its own thread, up to `maximumConnections`. `stop()` stops accepting,
/// lets the requests in progress finish, closes idle connections and saves the data file. The
/// server runs until `stop()`, even when no reference to it is left.
public final class SandboxServer: Sendable {
  /// The port the server listens on, chosen by the kernel when the configuration gave 0.
  public let port: Int
  public let apiKey: String
  /// Whether the records came from an existing data file rather than the seed.
  public let loadedDataFile: Bool
  public let configuration: SandboxConfiguration

  private let listener: ListeningSocket
  private let wake: WakePipe
  private let store: SandboxStore
  private let saver: SandboxSaver?
  private let log: SandboxRequestLog?
  private let events: @Sendable (SandboxEvent) -> Void
  private let context: SandboxConnectionContext
  private let stopping = SandboxStopFlag()
  private let acceptLoopDone = DispatchSemaphore(value: 0)
  private let connections = DispatchGroup()
  /// The number of open connections, and whether the limit event was reported since the count
  /// was last below the maximum.
  private let openConnections = Mutex((count: 0, limitReported: false))

  /// Binds the port, loads or seeds the records, opens the request log and starts accepting.
  /// `events` is called from server threads.
  public init(
    _ configuration: SandboxConfiguration,
    events: @escaping @Sendable (SandboxEvent) -> Void = { _ in }
  ) throws(SandboxError) {
    self.configuration = configuration
    self.apiKey = configuration.apiKey
    self.events = events
    do {
      listener = try ListeningSocket(port: configuration.port)
      wake = try WakePipe()
    } catch {
      throw .listenFailed(port: configuration.port, reason: error.reason)
    }
    port = listener.port

    var data = SandboxData()
    var loaded = false
    if let path = configuration.dataPath, FileSystem.exists(path) {
      data = try SandboxDataFile.load(path: path)
      loaded = true
    } else if let seed = configuration.seed {
      data = SandboxSeeder.generate(candidates: seed)
    }
    loadedDataFile = loaded
    store = SandboxStore(data: data)
    if let path = configuration.dataPath {
      // Written at once, so that an unwritable path fails the start and not a later save.
      if !loaded { try SandboxDataFile.save(data, path: path) }
      saver = SandboxSaver(
        path: path, store: store, delay: configuration.saveDelay, savedVersion: 0, events: events)
    } else {
      saver = nil
    }
    if let path = configuration.logPath {
      log = try SandboxRequestLog(path: path, apiKey: configuration.apiKey)
    } else {
      log = nil
    }

    let api = SandboxAPI(
      store: store, apiKey: configuration.apiKey,
      baseURL: "http://127.0.0.1:\(listener.port)\(SandboxConfiguration.basePath)",
      clock: wallClockMilliseconds)
    context = SandboxConnectionContext(
      api: api, faults: SandboxFaultInjector(configuration.faults), log: log,
      limits: HTTPRequestLimits(maximumBodyBytes: configuration.maximumBodyBytes),
      idleTimeout: configuration.idleTimeout, isStopping: { [stopping] in stopping.isSet })
    try startThreads()
  }

  /// `http://127.0.0.1:PORT/api/v2`, the base URL for API clients.
  public var baseURL: String {
    "http://127.0.0.1:\(port)\(SandboxConfiguration.basePath)"
  }

  /// The number of records of each resource, by path name such as `candidatemessages`.
  public var recordCounts: [(resource: String, count: Int)] {
    SandboxResource.allCases.map { ($0.rawValue, store.count(of: $0)) }
  }

  private func startThreads() throws(SandboxError) {
    do {
      try saver?.start()
    } catch {
      log?.close()
      throw .threadFailed(reason: error.reason)
    }
    do {
      try startDetachedThread { [self] in acceptLoop() }
    } catch {
      stopping.set()
      try? saver?.stop()
      log?.close()
      throw .threadFailed(reason: error.reason)
    }
  }

  private func acceptLoop() {
    defer {
      listener.close()
      acceptLoopDone.signal()
    }
    while listener.waitForConnection(orWake: wake) {
      if stopping.isSet { return }
      let socket: StreamSocket
      do {
        guard let accepted = try listener.accept() else { continue }
        socket = accepted
      } catch {
        events(.acceptFailed(error.description))
        // Wait a little so that a lasting failure, such as no free descriptors, does not spin.
        sleepSeconds(0.1)
        continue
      }
      serve(socket)
    }
  }

  /// Starts a thread for the connection, or turns it away when too many are open.
  private func serve(_ socket: StreamSocket) {
    let maximum = configuration.maximumConnections
    let admitted = openConnections.withLock { state -> Bool in
      guard state.count >= maximum else {
        state.count += 1
        return true
      }
      return false
    }
    guard admitted else {
      turnAway(socket, maximum: maximum)
      return
    }
    connections.enter()
    do {
      try startDetachedThread { [self] in
        SandboxConnection(socket: socket, context: context).run()
        connectionClosed()
      }
    } catch {
      socket.close()
      connectionClosed()
      events(.acceptFailed(error.description))
    }
  }

  private func connectionClosed() {
    openConnections.withLock { state in
      state.count -= 1
      state.limitReported = false
    }
    connections.leave()
  }

  private func turnAway(_ socket: StreamSocket, maximum: Int) {
    var response = HTTPResponse.error(
      503, "The sandbox has \(maximum) connections open, its maximum; retry later.")
    response.headers.append(("Retry-After", "1"))
    response.closesConnection = true
    _ = socket.send(
      response.serialized(keepAlive: false, dateMilliseconds: wallClockMilliseconds()))
    socket.close()
    let firstTime = openConnections.withLock { state in
      defer { state.limitReported = true }
      return !state.limitReported
    }
    if firstTime { events(.connectionLimitReached(maximum)) }
  }

  /// Stops accepting connections, waits up to `drainTimeout` seconds for requests in progress,
  /// then writes the data file and closes the request log. Calls after the first return at once.
  ///
  /// Throws when the final write of the data file fails.
  public func stop(drainTimeout: Double = 10) throws(SandboxError) {
    guard stopping.set() else { return }
    wake.signal()
    acceptLoopDone.wait()
    // NOTE: a connection still busy after the timeout keeps running. A change it makes after
    // the final save below is lost when the process exits.
    _ = connections.wait(timeout: .now() + drainTimeout)
    defer { log?.close() }
    try saver?.stop()
  }
}

/// A flag that the server sets once when it starts stopping.
final class SandboxStopFlag: Sendable {
  private let value = Atomic<Bool>(false)

  var isSet: Bool { value.load(ordering: .acquiring) }

  /// Sets the flag. Returns true for the call that set it, false when it was already set.
  @discardableResult
  func set() -> Bool {
    !value.exchange(true, ordering: .acquiringAndReleasing)
  }
}
