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

/// Checks that the sample jobs, run on one copy of `Samples/` in the order and as often as the
/// command list of `Samples/README.md` gives, leave exactly the files of `expected/` in `out/`
/// and `rejects/`, so that no job replaces or removes a file that another job wrote.
@Suite struct SamplesFolderTests {
  /// Returns the jobs of the README's command list, with 2 runs where its comment reads `twice`.
  static func readmeCommands() throws -> [(job: String, runs: Int)] {
    let readme = try String(
      contentsOf: SamplesTests.samples.appendingPathComponent("README.md"), encoding: .utf8)
    let prefix = ".build/release/hire-etl run Samples/"
    var commands: [(job: String, runs: Int)] = []
    for line in readme.split(separator: "\n") where line.hasPrefix(prefix) {
      let rest = line.dropFirst(prefix.count)
      let job = String(rest.prefix { !$0.isWhitespace })
      commands.append((job, rest.contains("# twice") ? 2 : 1))
    }
    return commands
  }

  /// Returns the text of every file under `folder`, by path relative to it.
  private func files(under folder: String) throws -> [String: String] {
    let manager = FileManager.default
    var result: [String: String] = [:]
    for name in try manager.subpathsOfDirectory(atPath: folder) {
      var isFolder: ObjCBool = false
      let path = folder + "/" + name
      guard manager.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
        continue
      }
      result[name] = String(
        decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }
    return result
  }

  @Test func readmeListsEveryJob() throws {
    let listed = Set(try Self.readmeCommands().map(\.job))
    let jobs = try FileManager.default.contentsOfDirectory(atPath: SamplesTests.samples.path)
      .filter { $0.hasSuffix(".yaml") }
    #expect(listed == Set(jobs))
  }

  @Test func allJobsLeaveExpectedFiles() throws {
    let commands = try Self.readmeCommands()
    #expect(commands.count == 8)
    let folder = TemporaryFolder()
    let manager = FileManager.default
    try manager.copyItem(
      atPath: SamplesTests.samples.appendingPathComponent("data").path, toPath: folder.path("data"))
    for command in commands {
      try manager.copyItem(
        atPath: SamplesTests.samples.appendingPathComponent(command.job).path,
        toPath: folder.path(command.job))
    }
    for command in commands {
      let status = SamplesTests.jobs.first { $0.job == command.job }?.status ?? 0
      for run in 1...command.runs {
        let result = runCommandLine(["run", folder.path(command.job), "-q"])
        #expect(result.status == status, "\(command.job), run \(run): \(result.error)")
      }
    }
    let expected = SamplesTests.samples.appendingPathComponent("expected").path
    #expect(try files(under: folder.path("rejects")) == files(under: expected + "/rejects"))
    #expect(try files(under: folder.path("out")) == files(under: expected + "/out"))
  }
}

/// `Samples/nightly-export.yaml`, run twice on a copy: the first run writes every record of
/// all eight resources. Nothing changed in between, so the second writes only a header row to
/// each CSV file and nothing to each JSON Lines file. Its XML feed of the open openings is
/// complete again, because that step reads without `since:`.
@Suite struct NightlyExportSampleTests {
  /// Returns the files under `warehouse/`, one folder a run, by run folder and file name.
  private func warehouse(_ folder: TemporaryFolder) throws -> [String: [String: String]] {
    var runs: [String: [String: String]] = [:]
    let manager = FileManager.default
    for run in try manager.contentsOfDirectory(atPath: folder.path("warehouse")) {
      for name in try manager.contentsOfDirectory(atPath: folder.path("warehouse/\(run)")) {
        runs[run, default: [:]][name] = folder.read("warehouse/\(run)/\(name)")
      }
    }
    return runs
  }

  @Test func nightlyExportWritesChangesOnly() throws {
    let folder = TemporaryFolder()
    try FileManager.default.copyItem(
      atPath: SamplesTests.samples.appendingPathComponent("nightly-export.yaml").path,
      toPath: folder.path("nightly-export.yaml"))
    let first = runCommandLine(["run", folder.path("nightly-export.yaml"), "-q"])
    #expect(first.status == 0, "\(first.error)")
    let firstRun = try #require(try warehouse(folder).first?.value)
    let dataFiles = firstRun.keys.filter { !$0.hasSuffix(".manifest.json") }
    #expect(dataFiles.count == 9)
    #expect(firstRun.count == 18)
    let candidates = try #require(firstRun["candidates.csv"])
    #expect(candidates.split(separator: "\n").count == 201)
    #expect(candidates.hasPrefix("id,first_name,last_name,email,phone,opening,stage,source,"))
    #expect(firstRun["openings-feed.xml"]?.contains("<source>") == true)

    let second = runCommandLine(["run", folder.path("nightly-export.yaml"), "-q"])
    #expect(second.status == 0, "\(second.error)")
    let runs = try warehouse(folder)
    #expect(runs.count == 2)
    let secondRun = try #require(runs.values.first { $0["candidates.csv"] != candidates })
    #expect(secondRun["candidates.csv"]?.split(separator: "\n").count == 1)
    #expect(secondRun["openings.csv"]?.split(separator: "\n").count == 1)
    for name in dataFiles where name.hasSuffix(".jsonl") {
      #expect(secondRun[name] == "", "\(name)")
    }
    #expect(secondRun["openings-feed.xml"] == firstRun["openings-feed.xml"])
  }
}
