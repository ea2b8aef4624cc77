import Foundation
import Testing

@testable import HireETL

/// Every sample job, run on a copy of `Samples/`, writes exactly the files in
/// `Samples/expected/` and ends with the exit status the samples README gives.
@Suite struct SamplesTests {
  static let samples = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("Samples")

  static let jobs: [(job: String, status: Int32, outputs: [String], rejects: [String])] = [
    ("main.yaml", 0, ["openings.jsonl", "lever-candidates.jsonl"], []),
    ("lever-to-jsonl.yaml", 1, ["lever-candidates.jsonl"], ["lever-candidates.csv"]),
    ("greenhouse-to-csv.yaml", 1, ["greenhouse-candidates.csv"], ["greenhouse-candidates.csv"]),
    ("dump-to-jsonl.yaml", 1, ["dump-candidates.jsonl"], ["dump-candidates.jsonl"]),
    ("openings-to-jsonl.yaml", 1, ["openings.jsonl"], ["openings.csv"]),
  ]

  @Test(arguments: jobs.indices)
  func sampleMatchesExpected(_ index: Int) throws {
    let sample = Self.jobs[index]
    let folder = TemporaryFolder()
    let manager = FileManager.default
    try manager.copyItem(
      atPath: Self.samples.appendingPathComponent("data").path, toPath: folder.path("data"))
    try manager.copyItem(
      atPath: Self.samples.appendingPathComponent(sample.job).path, toPath: folder.path(sample.job))

    let result = runCommandLine(["run", folder.path(sample.job), "-q"])
    #expect(result.status == sample.status)
    for name in sample.outputs {
      let expected = try String(
        contentsOf: Self.samples.appendingPathComponent("expected/out/\(name)"), encoding: .utf8)
      #expect(folder.read("out/\(name)") == expected, "out/\(name)")
    }
    for name in sample.rejects {
      let expected = try String(
        contentsOf: Self.samples.appendingPathComponent("expected/rejects/\(name)"),
        encoding: .utf8)
      #expect(folder.read("rejects/\(name)") == expected, "rejects/\(name)")
    }
    if sample.rejects.isEmpty { #expect(!folder.exists("rejects")) }
  }
}
