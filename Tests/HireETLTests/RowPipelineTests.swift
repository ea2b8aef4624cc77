import Testing

@testable import HireETL

/// The threaded CSV-to-JSON-Lines path must give byte for byte what the single-threaded one
/// gives: output, rejects and counts.
@Suite struct RowPipelineTests {
  /// 5,000 rows (several batches) with bad e-mails, repeated keys, a quoted multi-line cell,
  /// a short row and a blank line mixed in.
  private static let input: String = {
    var text = "Name,Email,Opening,Notes\n"
    for row in 1...5_000 {
      let email = row % 97 == 0 ? "broken-\(row)" : "person\(row % 4_000)@example.com"
      let notes = row % 13 == 0 ? "\"line one\nline, two\"" : "plain"
      if row == 2_500 {
        text += "Short,row\n"
      } else if row == 3_000 {
        text += "\n"
      } else {
        text += "Person \(row),\(email),\(row % 7 == 0 ? "x" : String(row % 50)),\(notes)\n"
      }
    }
    return text
  }()

  private static let job = """
    version: 1
    steps:
      - name: people
        read: { path: in.csv }
        key: Email
        map:
          first_name: { field: Name, split_name: first }
          last_name: { field: Name, split_name: last }
          email: Email
          opening: { field: Opening, type: integer }
        validate: candidate
        write: { path: out.jsonl }
    """

  private struct Outcome: Equatable {
    var output: String?
    var rejects: String?
    var read: Int
    var valid: Int
    var rejected: Int
    var exitStatus: Int32
  }

  private func run(parallel: Bool, limit: Int? = nil, workers: Int? = nil) throws -> Outcome {
    let folder = TemporaryFolder()
    folder.write("in.csv", Self.input)
    folder.write("job.yaml", Self.job)
    let job = try JobDecoder.load(path: folder.path("job.yaml"), environment: [:])
    var options = RunOptions()
    options.parallelRows = parallel
    options.rowWorkers = workers
    options.limit = limit
    let report = Runner.run(job, options: options, observer: nil)
    let step = try #require(report.steps.first)
    return Outcome(
      output: folder.read("out.jsonl"), rejects: folder.read("rejects/people.csv"),
      read: step.read, valid: step.valid, rejected: step.rejected, exitStatus: report.exitStatus)
  }

  @Test func threadedMatchesSingleThreaded() throws {
    let threaded = try run(parallel: true)
    let single = try run(parallel: false)
    #expect(threaded == single)
    #expect(single.read == 4_999)
    #expect(single.rejected > 1_000)
    #expect(single.exitStatus == 1)
  }

  /// Three workers finish batches out of order; the output must still follow the input.
  @Test func threeWorkersKeepOrder() throws {
    let threaded = try run(parallel: true, workers: 3)
    let single = try run(parallel: false)
    #expect(threaded == single)
  }

  /// Limits inside the first batch of 2,048 rows and past it.
  @Test(arguments: [1_500, 2_500])
  func threadedHonoursLimit(_ limit: Int) throws {
    let threaded = try run(parallel: true, limit: limit)
    let single = try run(parallel: false, limit: limit)
    #expect(threaded == single)
    #expect(threaded.read == limit)
  }

  @Test func threadedEmptyInput() throws {
    let folder = TemporaryFolder()
    folder.write("in.csv", "Name,Email,Opening,Notes\n")
    folder.write("job.yaml", Self.job)
    let job = try JobDecoder.load(path: folder.path("job.yaml"), environment: [:])
    var options = RunOptions()
    options.parallelRows = true
    let report = Runner.run(job, options: options, observer: nil)
    #expect(report.exitStatus == 0)
    #expect(folder.read("out.jsonl") == "")
  }
}
