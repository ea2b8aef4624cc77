/// Settings of a sandbox server.
public struct SandboxConfiguration: Equatable, Sendable {
  /// The port used when none is given.
  public static let defaultPort = 8765
  /// The API key accepted when none is given. It guards nothing: the server listens on
  /// 127.0.0.1 only and holds rehearsal data.
  public static let developmentAPIKey = "sandbox-development-key"
  /// The path under which the API's resources live, as in the API's server URL.
  public static let basePath = "/api/v2"

  /// TCP port on 127.0.0.1. 0 lets the kernel choose a free port, which `SandboxServer.port`
  /// then returns.
  public var port = defaultPort
  /// Requests must send `Authorization: ApiKey <apiKey>`.
  public var apiKey = developmentAPIKey
  /// A JSON file that keeps the records across restarts, loaded at start when it exists and
  /// written after changes and at stop. Nil keeps the records in memory only.
  public var dataPath: String?
  /// Fills an empty sandbox with this many generated candidates and their related records. The
  /// same number always gives the same records. Ignored when `dataPath` names an existing file.
  /// Memory grows with the number: the release build peaked at about 640 MiB for 100,000
  /// candidates, the most that the `sandbox` command accepts.
  public var seed: Int?
  public var faults = SandboxFaults()
  /// A file that gets one line per request, nil for no request log.
  public var logPath: String?
  /// Maximum connections open at once. Further connections get a 503 response and are closed.
  public var maximumConnections = 64
  /// Maximum size of one request body in bytes; larger requests get a 413 response.
  public var maximumBodyBytes = 1024 * 1024
  /// Seconds a keep-alive connection may stay idle before the server closes it.
  public var idleTimeout = 60.0
  /// Seconds between a change and the write of the data file; changes made in between are
  /// written together.
  public var saveDelay = 0.5

  public init() {}
}

/// Something the running server reports, for the embedding program to log.
public enum SandboxEvent: Equatable, Sendable {
  /// A write of the data file failed. The server goes on and tries again every `saveDelay`
  /// seconds, and reports a lasting failure once, until a write succeeds.
  case saveFailed(SandboxError)
  /// A connection was turned away because `maximumConnections` were open. Reported once until
  /// the number of open connections goes below the maximum again.
  case connectionLimitReached(Int)
  /// Accepting a connection failed with this reason; the server goes on.
  case acceptFailed(String)
}

/// A failure to start or stop a sandbox server.
public enum SandboxError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The server could not listen on 127.0.0.1 at this port.
  case listenFailed(port: Int, reason: String)
  /// The data file could not be read or is not a sandbox data file.
  case dataFileInvalid(path: String, reason: String)
  /// The data file could not be written.
  case saveFailed(path: String, reason: String)
  /// The request log could not be opened.
  case logFileFailed(path: String, reason: String)
  /// A thread could not be started.
  case threadFailed(reason: String)

  public var description: String {
    switch self {
    case .listenFailed(let port, let reason):
      "cannot listen on 127.0.0.1:\(port): \(reason); choose another port with --port, or 0 "
        + "for any free port"
    case .dataFileInvalid(let path, let reason):
      "cannot load the sandbox data file \(path): \(reason)"
    case .saveFailed(let path, let reason):
      "cannot save the sandbox data file \(path): \(reason)"
    case .logFileFailed(let path, let reason):
      "cannot open the request log \(path): \(reason)"
    case .threadFailed(let reason):
      "cannot start a server thread: \(reason)"
    }
  }
}
