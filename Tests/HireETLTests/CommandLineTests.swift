import Foundation
import Testing

@testable import HireETL

private let usageLine = "usage: hire-etl <command> [options]   (hire-etl help for the commands)\n"

private let smallJob = """
  version: 1
  name: people
  steps:
    - name: people
      read: { path: in.csv }
      key: Email
      map:
        first_name: { field: Name, split_name: first }
        email: Email
      validate: none
      write: { path: "out/{step}.jsonl" }
    - name: notes
      read: { path: notes.jsonl }
      write: { path: out/notes.csv }
  """

/// Creates a folder with `smallJob` and its two inputs.
private func smallJobFolder() -> TemporaryFolder {
  let folder = TemporaryFolder()
  folder.write("job.yaml", smallJob)
  folder.write("in.csv", "Name,Email\nAda Lovelace,ada@example.com\n")
  folder.write("notes.jsonl", "{\"text\": \"hello\"}\n")
  return folder
}

@Suite struct CommandLineTests {
  @Test func noArgumentsShowsOverview() {
    let result = runCommandLine([])
    #expect(result.status == 2)
    #expect(result.error == Usage.overview)
    #expect(result.out == "")
  }

  @Test func unknownCommandSuggests() {
    let result = runCommandLine(["rnu", "job.yaml"])
    #expect(result.status == 2)
    #expect(result.error == "error: unknown command 'rnu'; did you mean 'run'?\n" + usageLine)
  }

  @Test func versionPrinted() {
    let result = runCommandLine(["--version"])
    #expect(result.status == 0)
    #expect(result.out.hasPrefix("hire-etl \(hireETLVersion) ("))
    #expect(result.out.hasSuffix(")\n"))
    #expect(result.error == "")
  }

  @Test func helpForRun() {
    let result = runCommandLine(["help", "run"])
    #expect(result.status == 0)
    #expect(result.out == Usage.run)
    #expect(result.out.hasPrefix("usage: hire-etl run JOB.yaml [options]\n"))
    #expect(result.out.contains("--dry-run"))
    #expect(result.out.contains("--report FILE"))
  }

  @Test func helpOverview() {
    let result = runCommandLine(["help"])
    #expect(result.status == 0)
    #expect(result.out == Usage.overview)
  }

  @Test func helpUnknownTopic() {
    let result = runCommandLine(["help", "frobnicate"])
    #expect(result.status == 2)
    #expect(result.error == "error: there is no help for 'frobnicate'\n" + usageLine)
  }

  @Test func rollbackNeedsStep() {
    let result = runCommandLine(["rollback", "job.yaml"])
    #expect(result.status == 2)
    #expect(
      result.error
        == "error: rollback needs a job file and a step: hire-etl rollback JOB.yaml --step NAME\n"
        + usageLine)
  }

  @Test(
    "run usage error",
    arguments: [
      (["run"], "run needs a job file: hire-etl run JOB.yaml"),
      (["run", "a.yaml", "b.yaml"], "run takes one job file"),
      (["run", "job.yaml", "--dry-rn"], "unknown option '--dry-rn'; did you mean '--dry-run'?"),
      (["run", "job.yaml", "--fast"], "unknown option '--fast'"),
      (["run", "job.yaml", "--limit", "ten"], "--limit needs a whole number of records"),
      (["run", "job.yaml", "--limit", "-1"], "--limit needs a whole number of records"),
      (["run", "job.yaml", "--step"], "--step needs a step name"),
      (["run", "job.yaml", "--report"], "--report needs a file name"),
      (["run", "job.yaml", "--log-format", "xml"], "--log-format is text or json"),
    ])
  func runUsageError(arguments: [String], message: String) {
    let result = runCommandLine(arguments)
    #expect(result.status == 2)
    #expect(result.error == "error: \(message)\n" + usageLine)
    #expect(result.out == "")
  }

  @Test func unknownStepRefused() {
    let folder = smallJobFolder()
    let job = folder.path("job.yaml")
    let result = runCommandLine(["run", job, "--step", "peple"])
    #expect(result.status == 2)
    #expect(
      result.error == "error: there is no step 'peple' in \(job); did you mean 'people'?\n"
        + usageLine)
    #expect(!folder.exists("out"))
  }

  @Test func unknownStepListsSteps() {
    let folder = smallJobFolder()
    let job = folder.path("job.yaml")
    let result = runCommandLine(["run", job, "--step", "zzz"])
    #expect(result.status == 2)
    #expect(
      result.error == "error: there is no step 'zzz' in \(job); its steps are 'people', 'notes'\n"
        + usageLine)
  }

  /// A header that would stop a later step stops the run before the first step writes.
  @Test func brokenHeaderStopsBeforeAnyStep() {
    let folder = TemporaryFolder()
    folder.write("notes.jsonl", "{\"text\": \"hello\"}\n")
    folder.write("in.csv", "Name,Email,Name\nAda,ada@example.com,Ada\n")
    folder.write(
      "job.yaml",
      """
      version: 1
      steps:
        - name: notes
          read: { path: notes.jsonl }
          write: { path: out/notes.jsonl }
        - name: people
          read: { path: in.csv }
          map: { email: Email }
          write: { path: out/people.jsonl }
      """)
    let result = runCommandLine(["run", folder.path("job.yaml")])
    #expect(result.status == 3)
    #expect(result.error.contains("Name"), "\(result.error)")
    #expect(!result.error.contains("step 'notes': started"))
    #expect(!folder.exists("out"))
  }

  @Test func quietAndVerboseRefused() {
    let folder = smallJobFolder()
    let result = runCommandLine(["run", folder.path("job.yaml"), "-q", "-v"])
    #expect(result.status == 2)
    #expect(result.error.hasPrefix("error: -q and -v contradict each other; give one of them\n"))
    #expect(!folder.exists("out"))
  }

  @Test func checkPrintsPlan() {
    let folder = smallJobFolder()
    let job = folder.path("job.yaml")
    let result = runCommandLine(["check", job])
    #expect(result.status == 0)
    #expect(result.error == "")
    #expect(
      result.out == """
        job 'people' (\(job)), 2 steps
        1. people
           read     \(folder.path("in.csv")) (csv)
           key      Email
           map      first_name, email
           validate none
           write    \(folder.path("out/{step}.jsonl")) (jsonl)
           rejects  \(folder.path("rejects/people.csv"))
        2. notes
           read     \(folder.path("notes.jsonl")) (jsonl)
           map      every source field as it is
           validate none
           write    \(folder.path("out/notes.csv")) (csv)
           rejects  \(folder.path("rejects/notes.jsonl"))

        """)
    #expect(folder.list() == ["in.csv", "job.yaml", "notes.jsonl"])
  }

  @Test func checkListsEveryProblem() {
    let folder = TemporaryFolder()
    folder.write(
      "job.yaml",
      """
      version: 1
      steps:
        - name: a
          read: { path: in.csv, delimeter: ";" }
          valdate: candidate
          write: { path: out.jsonl }
      """)
    let job = folder.path("job.yaml")
    let result = runCommandLine(["check", job])
    #expect(result.status == 2)
    #expect(result.out == "")
    #expect(
      result.error == """
        error: \(job):4:27: unknown key 'delimeter' in read of step 'a'; did you mean 'delimiter'?
        error: \(job):5:5: unknown key 'valdate' in a step; did you mean 'validate'?
        2 problems in \(job); nothing was run

        """)
  }

  @Test func checkUnsetVariable() {
    let folder = smallJobFolder()
    folder.write("job.yaml", smallJob.replacingOccurrences(of: "in.csv", with: #""${INPUT}""#))
    let job = folder.path("job.yaml")
    let unset = runCommandLine(["check", job])
    #expect(unset.status == 2)
    #expect(
      unset.error == """
        error: \(job):5:19: the environment variable INPUT is not set; set it, or give a fallback with ${INPUT:-value}
        1 problem in \(job); nothing was run

        """)
    let set = runCommandLine(["check", job], environment: ["INPUT": "in.csv"])
    #expect(set.status == 0)
    #expect(set.out.contains("   read     \(folder.path("in.csv")) (csv)\n"))
  }

  @Test func checkMissingInput() {
    let folder = smallJobFolder()
    FileSystem.remove(folder.path("notes.jsonl"))
    let result = runCommandLine(["check", folder.path("job.yaml")])
    #expect(result.status == 2)
    #expect(
      result.error
        == "error: step 'notes': the input file \(folder.path("notes.jsonl")) does not exist\n")
    #expect(result.out.hasPrefix("job 'people'"))
  }

  @Test func checkTakesOneFile() {
    let result = runCommandLine(["check"])
    #expect(result.status == 2)
    #expect(
      result.error == "error: check takes one job file: hire-etl check JOB.yaml\n" + usageLine)
  }

  @Test func checkMissingJobFile() {
    let result = runCommandLine(["check", "/nonexistent/job.yaml"])
    #expect(result.status == 2)
    #expect(
      result.error == """
        error: /nonexistent/job.yaml: cannot open: No such file or directory
        1 problem in /nonexistent/job.yaml; nothing was run

        """)
  }

  @Test func initMigrationThenCheck() {
    let folder = TemporaryFolder()
    let job = folder.path("jobs/migration.yaml")
    let written = runCommandLine(["init", "migration", job])
    #expect(written.status == 0)
    #expect(written.out == "wrote \(job); edit it, then run `hire-etl check \(job)`\n")
    #expect(folder.read("jobs/migration.yaml") == StarterJobs.migration)

    let withoutInput = runCommandLine(["check", job])
    #expect(withoutInput.status == 2)
    #expect(
      withoutInput.error
        == "error: step 'candidates': the input file \(folder.path("jobs/exports/candidates.csv")) "
        + "does not exist\n")

    folder.write("jobs/exports/candidates.csv", "Name,Email,Phone,Posting ID,Source\n")
    let checked = runCommandLine(["check", job])
    #expect(checked.status == 0)
    #expect(checked.error == "")
    #expect(
      checked.out.contains("   map      first_name, last_name, email, phone, opening, source\n"))
    #expect(checked.out.contains("   validate CandidateInput\n"))
  }

  @Test func initExportThenCheck() {
    let folder = TemporaryFolder()
    let job = folder.path("export.yaml")
    #expect(runCommandLine(["init", "export", job]).status == 0)
    #expect(folder.read("export.yaml") == StarterJobs.export)
    #expect(!StarterJobs.export.contains("excel_safe"))
    let checked = runCommandLine(["check", job])
    #expect(checked.status == 0)
    #expect(checked.out.contains("   read     GET /candidates (changed since last_run)\n"))
    #expect(
      checked.out.contains("   write    \(folder.path("warehouse/candidates-{run}.csv")) (csv)\n"))
  }

  @Test func initExportRunsKeepEachFile() throws {
    let folder = TemporaryFolder()
    let job = folder.path("export.yaml")
    #expect(runCommandLine(["init", "export", job]).status == 0)
    for _ in 1...2 {
      let result = runCommandLine(["run", job, "-q"])
      #expect(result.status == 0, "\(result.error)")
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path("warehouse"))
    let files = names.filter { $0.hasSuffix(".csv") }
    #expect(files.count == 2, "\(names)")
    #expect(names.filter { $0.hasSuffix(".csv.manifest.json") }.count == 2, "\(names)")
  }

  @Test func initRefusesOverwrite() {
    let folder = TemporaryFolder()
    folder.write("job.yaml", "# mine\n")
    let job = folder.path("job.yaml")
    let result = runCommandLine(["init", "migration", job])
    #expect(result.status == 2)
    #expect(
      result.error == "error: \(job) already exists; choose another file name or remove it first\n")
    #expect(folder.read("job.yaml") == "# mine\n")
  }

  @Test func initUnknownKind() {
    let result = runCommandLine(["init", "import"])
    #expect(result.status == 2)
    #expect(
      result.error == "error: init makes a `migration` or an `export` job, not 'import'\n"
        + usageLine)
  }
}
