/// A `hire-etl sandbox` argument that is missing, unknown or invalid.
struct SandboxUsageError: Error, Equatable {
  var message: String

  init(_ message: String) {
    self.message = message
  }
}

extension CommandLineInterface {
  /// `hire-etl sandbox [options]`: serves a local Trakstar Hire API until SIGINT or SIGTERM.
  static func sandboxCommand(_ arguments: [String], console: Console) -> Int32 {
    if arguments.contains("-h") || arguments.contains("--help") {
      console.out(Usage.sandbox)
      return 0
    }
    let configuration: SandboxConfiguration
    do throws(SandboxUsageError) {
      configuration = try parseSandboxArguments(arguments)
    } catch {
      return usageError(error.message, console: console)
    }
    unblockStopSignals()
    Interruption.install()
    return runSandbox(configuration, console: console) { Interruption.requested }
  }

  /// Starts the sandbox, prints where it listens, and stops it once `shouldStop` returns true.
  /// Returns 0 after a clean stop and 3 when the server could not start or save its data.
  static func runSandbox(
    _ configuration: SandboxConfiguration, console: Console, shouldStop: () -> Bool
  ) -> Int32 {
    let server: SandboxServer
    do throws(SandboxError) {
      server = try SandboxServer(configuration) { event in
        console.error("sandbox: \(describe(event))\n")
      }
    } catch {
      console.error("error: \(error)\n")
      return 3
    }
    console.out(startMessage(server))
    while !shouldStop() { sleepSeconds(0.1) }

    do throws(SandboxError) {
      try server.stop()
    } catch {
      console.error("error: \(error)\n")
      return 3
    }
    var stopped = "sandbox stopped"
    if let path = configuration.dataPath { stopped += "; records saved to \(path)" }
    console.out(stopped + "\n")
    return 0
  }

  static func parseSandboxArguments(
    _ arguments: [String]
  ) throws(SandboxUsageError) -> SandboxConfiguration {
    var configuration = SandboxConfiguration()
    var index = 0
    while index < arguments.count {
      var option = arguments[index]
      var value: String?
      if let equals = option.firstIndex(of: "="), option.hasPrefix("--") {
        value = String(option[option.index(after: equals)...])
        option = String(option[..<equals])
      } else if index + 1 < arguments.count {
        value = arguments[index + 1]
        if sandboxOptionTakesValue(option) { index += 1 }
      }
      try applySandboxOption(option, value: value, to: &configuration)
      index += 1
    }
    return configuration
  }

  private static let sandboxOptions = [
    "--port", "--data", "--api-key", "--seed", "--rate-limit", "--burst", "--latency",
    "--fail-rate", "--lose-rate", "--lost-response", "--drop-rate", "--fault-seed", "--log",
    "--max-connections",
  ]

  private static func sandboxOptionTakesValue(_ option: String) -> Bool {
    sandboxOptions.contains(option)
  }

  private static func applySandboxOption(
    _ option: String, value: String?, to configuration: inout SandboxConfiguration
  ) throws(SandboxUsageError) {
    guard sandboxOptions.contains(option) else {
      var message =
        option.hasPrefix("-") ? "unknown option '\(option)'" : "unexpected argument '\(option)'"
      if let near = NearMatch.closest(to: option, among: sandboxOptions) {
        message += "; did you mean '\(near)'?"
      }
      throw SandboxUsageError(message + " (see hire-etl help sandbox)")
    }
    guard let value else { throw SandboxUsageError("\(option) needs a value") }
    switch option {
    case "--port":
      configuration.port = try wholeNumber(value, option, in: 0...65_535)
    case "--data":
      configuration.dataPath = value
    case "--api-key":
      guard !value.isEmpty, value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
        throw SandboxUsageError("--api-key must be printable ASCII without spaces")
      }
      configuration.apiKey = value
    case "--seed":
      configuration.seed = try wholeNumber(value, option, in: 0...100_000)
    case "--rate-limit":
      guard let rate = JobDecoder.parseRate(value) else {
        throw SandboxUsageError(
          "--rate-limit must be a rate such as 10/s or 600/min, not '\(value)'")
      }
      configuration.faults.rateLimit = rate
    case "--burst":
      configuration.faults.burst = try wholeNumber(value, option, in: 1...1_000_000)
    case "--latency":
      guard let seconds = JobDecoder.parseDuration(value) else {
        throw SandboxUsageError("--latency must be a duration such as 50ms or 2s, not '\(value)'")
      }
      configuration.faults.latency = seconds
    case "--fail-rate":
      configuration.faults.failRate = try probability(value, option)
    case "--lose-rate":
      configuration.faults.loseRate = try probability(value, option)
    case "--lost-response":
      guard let kind = SandboxFaults.LostResponse(rawValue: value) else {
        throw SandboxUsageError("--lost-response must be 504, drop or alternate, not '\(value)'")
      }
      configuration.faults.lostResponse = kind
    case "--drop-rate":
      configuration.faults.dropRate = try probability(value, option)
    case "--fault-seed":
      guard let seed = UInt64(value) else {
        throw SandboxUsageError("--fault-seed must be a whole number, not '\(value)'")
      }
      configuration.faults.randomSeed = seed
    case "--log":
      configuration.logPath = value
    default:
      configuration.maximumConnections = try wholeNumber(value, option, in: 1...10_000)
    }
  }

  private static func wholeNumber(
    _ text: String, _ option: String, in range: ClosedRange<Int>
  ) throws(SandboxUsageError) -> Int {
    guard let number = Int(text), range.contains(number) else {
      throw SandboxUsageError(
        "\(option) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'"
      )
    }
    return number
  }

  private static func probability(_ text: String, _ option: String) throws(SandboxUsageError)
    -> Double
  {
    guard let number = Double(text), number >= 0, number <= 1 else {
      throw SandboxUsageError("\(option) must be a share from 0 to 1, such as 0.05, not '\(text)'")
    }
    return number
  }

  private static func startMessage(_ server: SandboxServer) -> String {
    let configuration = server.configuration
    var text = "sandbox listening on \(server.baseURL) (api key: \(server.apiKey))\n"
    let counts = server.recordCounts.map { "\(grouped($0.count)) \($0.resource)" }
    text += "records: " + counts.joined(separator: ", ")
    if let path = configuration.dataPath {
      text += server.loadedDataFile ? " (loaded from \(path))" : " (saved to \(path))"
    } else {
      text += " (in memory only)"
    }
    text += "\n"
    let faults = describe(configuration.faults)
    if !faults.isEmpty { text += "faults: " + faults.joined(separator: ", ") + "\n" }
    if let path = configuration.logPath { text += "request log: \(path)\n" }
    return text + "press Ctrl-C to stop\n"
  }

  private static func describe(_ faults: SandboxFaults) -> [String] {
    var parts: [String] = []
    if let rate = faults.rateLimit {
      let burst = faults.burst ?? max(1, Int(rate.rounded(.up)))
      parts.append("rate limit \(rate) requests/s (burst \(burst))")
    }
    if faults.latency > 0 { parts.append("latency \(faults.latency * 1000) ms") }
    if faults.failRate > 0 { parts.append("fail rate \(faults.failRate)") }
    if faults.loseRate > 0 {
      parts.append("lose rate \(faults.loseRate) (\(faults.lostResponse.rawValue))")
    }
    if faults.dropRate > 0 { parts.append("drop rate \(faults.dropRate)") }
    if let seed = faults.randomSeed { parts.append("fault seed \(seed)") }
    return parts
  }

  private static func describe(_ event: SandboxEvent) -> String {
    switch event {
    case .saveFailed(let error): "\(error); the sandbox keeps trying"
    case .connectionLimitReached(let maximum):
      "\(maximum) connections are open, the maximum; further connections get 503 until one closes "
        + "(raise it with --max-connections)"
    case .acceptFailed(let reason): "accepting a connection failed: \(reason)"
    }
  }
}
