import Testing

@testable import HireETL

/// `base_url: sandbox` starts the local sandbox inside the run, with its records beside the
/// job's state.
@Suite struct SandboxEmbeddingTests {
  private static let job = """
    version: 1
    name: rehearsal
    api:
      base_url: sandbox
    steps:
      - name: people
        read: { path: in.csv }
        write: { path: out.jsonl }
    """

  @Test func runStartsEmbeddedSandbox() {
    let folder = TemporaryFolder()
    folder.write("in.csv", "Name\nAda\n")
    folder.write("job.yaml", Self.job)
    let result = runCommandLine(["run", folder.path("job.yaml")])
    #expect(result.status == 0)
    #expect(result.error.contains("sandbox: serving http://127.0.0.1:"))
    #expect(folder.exists(".hire-etl/rehearsal.sandbox.jsonl"))
  }

  @Test func dryRunKeepsSandboxInMemory() {
    let folder = TemporaryFolder()
    folder.write("in.csv", "Name\nAda\n")
    folder.write("job.yaml", Self.job)
    let result = runCommandLine(["run", folder.path("job.yaml"), "--dry-run"])
    #expect(result.status == 0)
    #expect(result.error.contains("sandbox: serving http://127.0.0.1:"))
    #expect(!folder.exists(".hire-etl"))
  }

  @Test func sandboxDataPathBesideState() throws {
    let (job, problems) = loadJob(Self.job)
    #expect(problems.isEmpty)
    let loaded = try #require(job)
    #expect(Runner.sandboxDataPath(for: loaded).hasSuffix("/.hire-etl/rehearsal.sandbox.jsonl"))
  }
}

/// A mapped column missing from a later step's CSV stops the run before any step writes.
@Suite struct ColumnCheckTests {
  @Test func laterStepColumnStopsEarly() {
    let folder = TemporaryFolder()
    folder.write("a.csv", "Name\nAda\n")
    folder.write("b.csv", "Title\nEngineer\n")
    folder.write(
      "job.yaml",
      """
      version: 1
      steps:
        - name: first
          read: { path: a.csv }
          write: { path: out/a.jsonl }
        - name: second
          read: { path: b.csv }
          map: { title: Titel }
          write: { path: out/b.jsonl }
      """)
    let result = runCommandLine(["run", folder.path("job.yaml")])
    #expect(result.status == 2)
    #expect(
      result.error.contains(
        "step 'second': the column 'Titel' used by output field 'title' is not in "
          + "\(folder.path("b.csv")) (did you mean 'Title'?)"))
    #expect(!folder.exists("out"))
  }
}
