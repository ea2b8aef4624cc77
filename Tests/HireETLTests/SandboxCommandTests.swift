import Foundation
import Glibc
import Synchronization
import Testing

@testable import HireETL

/// A console that keeps what the command prints.
final class RecordingConsole: Sendable {
  private let output = Mutex("")
  private let errors = Mutex("")

  var console: Console {
    Console(
      out: { text in self.output.withLock { $0 += text } },
      error: { text in self.errors.withLock { $0 += text } }, errorIsTerminal: false)
  }

  var out: String { output.withLock { $0 } }
  var error: String { errors.withLock { $0 } }
}

/// The port in a `sandbox listening on http://127.0.0.1:PORT/api/v2` line.
func listeningPort(in output: String) -> Int? {
  guard let range = output.range(of: "http://127.0.0.1:") else { return nil }
  return Int(output[range.upperBound...].prefix { $0.isNumber })
}

struct SandboxCommandTests {
  @Test func parsesEveryOption() throws {
    let configuration = try CommandLineInterface.parseSandboxArguments([
      "--port", "0", "--data", "state.json", "--api-key", "k-1", "--seed", "250",
      "--rate-limit", "600/min", "--burst", "3", "--latency=50ms", "--fail-rate", "0.05",
      "--lose-rate", "0.1", "--lost-response", "drop", "--drop-rate", "0.01", "--fault-seed", "9",
      "--log", "requests.log", "--max-connections", "8",
    ])
    #expect(configuration.port == 0)
    #expect(configuration.dataPath == "state.json")
    #expect(configuration.apiKey == "k-1")
    #expect(configuration.seed == 250)
    #expect(configuration.faults.rateLimit == 10)
    #expect(configuration.faults.burst == 3)
    #expect(configuration.faults.latency == 0.05)
    #expect(configuration.faults.failRate == 0.05)
    #expect(configuration.faults.loseRate == 0.1)
    #expect(configuration.faults.lostResponse == .drop)
    #expect(configuration.faults.dropRate == 0.01)
    #expect(configuration.faults.randomSeed == 9)
    #expect(configuration.logPath == "requests.log")
    #expect(configuration.maximumConnections == 8)
  }

  @Test func defaults() throws {
    let configuration = try CommandLineInterface.parseSandboxArguments([])
    #expect(configuration.port == 8765)
    #expect(configuration.apiKey == "sandbox-development-key")
    #expect(configuration.dataPath == nil)
    #expect(configuration.seed == nil)
    #expect(!configuration.faults.isActive)
  }

  @Test(arguments: [
    (
      ["--prot", "1"], "unknown option '--prot'; did you mean '--port'? (see hire-etl help sandbox)"
    ),
    (["--port"], "--port needs a value"),
    (["--port", "70000"], "--port must be a whole number from 0 to 65535, not '70000'"),
    (["--seed", "-1"], "--seed must be a whole number from 0 to 100000, not '-1'"),
    (["--rate-limit", "fast"], "--rate-limit must be a rate such as 10/s or 600/min, not 'fast'"),
    (["--latency", "soon"], "--latency must be a duration such as 50ms or 2s, not 'soon'"),
    (["--fail-rate", "5%"], "--fail-rate must be a share from 0 to 1, such as 0.05, not '5%'"),
    (["--drop-rate", "1.5"], "--drop-rate must be a share from 0 to 1, such as 0.05, not '1.5'"),
    (["--lost-response", "never"], "--lost-response must be 504, drop or alternate, not 'never'"),
    (["--api-key", "two words"], "--api-key must be printable ASCII without spaces"),
    (["extra"], "unexpected argument 'extra' (see hire-etl help sandbox)"),
  ])
  func usageErrorsExitWith2(_ arguments: [String], _ message: String) {
    let recorder = RecordingConsole()
    let status = CommandLineInterface.main(
      arguments: ["sandbox"] + arguments, environment: [:], console: recorder.console)
    #expect(status == 2)
    #expect(recorder.error.hasPrefix("error: \(message)\n"))
    #expect(recorder.out.isEmpty)
  }

  @Test func helpDescribesOptions() {
    for arguments in [["help", "sandbox"], ["sandbox", "--help"]] {
      let recorder = RecordingConsole()
      #expect(
        CommandLineInterface.main(arguments: arguments, environment: [:], console: recorder.console)
          == 0)
      #expect(recorder.out.hasPrefix("usage: hire-etl sandbox [options]"))
      for option in [
        "--port", "--data", "--api-key", "--seed", "--rate-limit", "--burst", "--latency",
        "--fail-rate", "--lose-rate", "--lost-response", "--drop-rate", "--fault-seed", "--log",
        "--max-connections",
      ] {
        #expect(recorder.out.contains(option), "\(option)")
      }
    }
  }

  @Test func runServesUntilAskedToStop() throws {
    let recorder = RecordingConsole()
    var status: Int?
    var checks = 0
    let configuration = try CommandLineInterface.parseSandboxArguments([
      "--port", "0", "--seed", "4", "--api-key", "command-key",
    ])
    let exitStatus = CommandLineInterface.runSandbox(
      configuration, console: recorder.console
    ) {
      checks += 1
      guard let port = listeningPort(in: recorder.out) else { return checks > 50 }
      status = try? SandboxTestClient(port: port, apiKey: "command-key").request(
        "GET", api("/candidates")
      ).status
      return true
    }
    #expect(exitStatus == 0)
    #expect(status == 200)
    #expect(recorder.out.contains("(api key: command-key)\n"))
    #expect(recorder.out.contains("records: 2 openings, 4 candidates,"))
    #expect(recorder.out.contains("(in memory only)"))
    #expect(recorder.out.hasSuffix("sandbox stopped\n"))
    #expect(recorder.error.isEmpty)
  }

  @Test func busyPortExitsWith3() throws {
    let server = try startTestSandbox()
    defer { try? server.stop() }
    let recorder = RecordingConsole()
    let configuration = try CommandLineInterface.parseSandboxArguments([
      "--port", String(server.port),
    ])
    let status = CommandLineInterface.runSandbox(configuration, console: recorder.console) { true }
    #expect(status == 3)
    #expect(
      recorder.error
        == "error: cannot listen on 127.0.0.1:\(server.port): Address already in use; choose another port with --port, or 0 for any free port\n"
    )
  }
}

/// The `hire-etl` executable that `swift build` puts beside the test bundle.
enum SandboxExecutable {
  static let path: String? = {
    let testBundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    let candidate = testBundle.deletingLastPathComponent().appendingPathComponent("hire-etl").path
    return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
  }()
}

/// Reads from `descriptor` until `text` contains a line break or `seconds` pass.
func readFirstLine(_ descriptor: Int32, seconds: Double) -> String {
  var bytes: [UInt8] = []
  let deadline = monotonicSeconds() + seconds
  var chunk = [UInt8](repeating: 0, count: 4096)
  while !bytes.contains(10), monotonicSeconds() < deadline {
    var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    guard poll(&entry, 1, 100) > 0 else { continue }
    let count = read(descriptor, &chunk, chunk.count)
    if count <= 0 { break }
    bytes += chunk[..<count]
  }
  return String(decoding: bytes, as: UTF8.self)
}

@Suite(
  .enabled(
    if: SandboxExecutable.path != nil, "the hire-etl executable is not built beside the test bundle"
  ))
struct SandboxProcessTests {
  @Test(arguments: [SIGINT, SIGTERM])
  func signalStopsCleanlyAndSaves(_ signalNumber: Int32) throws {
    let dataPath = temporarySandboxPath("process.json")
    defer { unlink(dataPath) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: SandboxExecutable.path!)
    process.arguments = ["sandbox", "--port", "0", "--seed", "5", "--data", dataPath]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    defer {
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    let firstLine = readFirstLine(output.fileHandleForReading.fileDescriptor, seconds: 10)
    let port = try #require(listeningPort(in: firstLine), "first line: \(firstLine)")
    let created = try SandboxTestClient(port: port).request(
      "POST", api("/candidates"), body: newCandidateBody)
    #expect(created.status == 201)

    kill(process.processIdentifier, signalNumber)
    let deadline = monotonicSeconds() + 10
    while process.isRunning && monotonicSeconds() < deadline { sleepSeconds(0.05) }
    #expect(!process.isRunning)
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 0)
    let rest = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(rest.hasSuffix("sandbox stopped; records saved to \(dataPath)\n"))
    let saved = try SandboxDataFile.load(path: dataPath)
    #expect(saved[.candidates].count == 6)
  }
}
