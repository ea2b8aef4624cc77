import Foundation
import Glibc
import Testing

@testable import HireETL

/// What became of a run that was sent a signal once its step had read for a second.
private struct SignalledRun {
  var stopped: Bool
  var status: Int32
  /// Seconds from the signal until the process exited, or until the wait gave up.
  var secondsToStop: Double
}

/// Runs the fixture's job as a separate process, sends `signalNumber` one second after the step
/// started, and waits up to 8 seconds for it to exit.
private func runAndSignal(_ fixture: ExportFixture, _ signalNumber: Int32) throws -> SignalledRun {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: SandboxExecutable.path!)
  process.arguments = ["run", fixture.folder.path("job.yaml")]
  let errors = Pipe()
  process.standardError = errors
  process.standardOutput = FileHandle.nullDevice
  try process.run()
  defer {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
  }

  let started = readFirstLine(errors.fileHandleForReading.fileDescriptor, seconds: 10)
  #expect(started.contains("step 'export': started"), "\(started)")
  sleepSeconds(1)
  let signalled = monotonicSeconds()
  kill(process.processIdentifier, signalNumber)
  while process.isRunning && monotonicSeconds() < signalled + 8 { sleepSeconds(0.05) }
  let stopped = !process.isRunning
  return SignalledRun(
    stopped: stopped, status: stopped ? process.terminationStatus : -1,
    secondsToStop: monotonicSeconds() - signalled)
}

/// A signal during a step that reads from the API stops the run with exit status 130 and
/// leaves no output file, as it does for other steps.
@Suite(
  .enabled(
    if: SandboxExecutable.path != nil, "the hire-etl executable is not built beside the test bundle"
  ))
struct APIReadInterruptTests {
  @Test(arguments: [SIGINT, SIGTERM])
  func signalStopsExport(_ signalNumber: Int32) throws {
    var faults = SandboxFaults()
    faults.latency = 0.1
    let fixture = try ExportFixture(candidates: 2000, faults: faults)
    // 200 pages of 10 at 100 ms each, 4 at a time: about 5 seconds of reading.
    fixture.writeJob(read: "{ resource: candidates }", pageSize: 10, concurrency: 4)

    let run = try runAndSignal(fixture, signalNumber)
    #expect(run.stopped)
    #expect(run.status == 130)
    #expect(!fixture.folder.exists("out/export.jsonl"))
    #expect(!fixture.folder.exists("out/export.jsonl.manifest.json"))
  }

  /// Under `since:`, the reader skips page after page of unchanged records without handing
  /// one on, yet a signal still stops it within a page.
  @Test func signalStopsReadThatSkipsEverything() throws {
    var faults = SandboxFaults()
    faults.latency = 0.1
    let fixture = try ExportFixture(candidates: 2000, faults: faults)
    fixture.writeJob(
      read: "{ resource: candidates, since: last_run }", pageSize: 20, concurrency: 1)
    #expect(fixture.run().status == 0)
    _ = try fixture.loaded()

    let run = try runAndSignal(fixture, SIGINT)
    #expect(run.stopped)
    #expect(run.secondsToStop < 2, "the run went on reading after the signal")
    #expect(run.status == 130)
    #expect(!fixture.folder.exists("out/export.jsonl"))
  }
}
