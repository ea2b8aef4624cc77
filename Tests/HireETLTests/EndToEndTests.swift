import Foundation
import Testing

@testable import HireETL

private let candidateJob = """
  version: 1
  name: people-import
  steps:
    - name: people
      read: { path: in.csv }
      key: Email
      map:
        first_name: { field: Name, split_name: first }
        last_name: { field: Name, split_name: last }
        email: Email
        opening: Opening
        source: { field: Source, values: { LinkedIn: LinkedIn, "*": Migrated }, default: Migrated }
      validate: candidate
      write: { path: out/people.jsonl }
  """

private let validRows = """
  Name,Email,Opening,Source
  Ada Lovelace,ada@example.com,12,LinkedIn
  Alan Turing,alan@example.com,13,Referral

  """

/// One valid row and four that are rejected, each for another reason.
private let mixedRows = """
  Name,Email,Opening,Source
  Ada Lovelace,ada@example.com,12,LinkedIn
  Grace Hopper,grace@example,13,
  Alan Turing,alan@example.com,x,Referral
  Katherine Johnson,ada@example.com,14,
  Edsger Dijkstra,,15,

  """

private let mixedRejects = """
  Name,Email,Opening,Source,_row,_errors
  Grace Hopper,grace@example,13,,3,email is not a valid e-mail address
  Alan Turing,alan@example.com,x,Referral,4,"opening must be an integer, not text that is not a whole number"
  Katherine Johnson,ada@example.com,14,,5,the key (Email) repeats the record on line 2
  Edsger Dijkstra,,15,,6,the key (Email) is empty

  """

private let adaPayload =
  #"{"first_name":"Ada","last_name":"Lovelace","email":"ada@example.com","opening":12,"source":"LinkedIn"}"#

/// Creates a folder with `job.yaml` and `in.csv`.
private func jobFolder(job: String = candidateJob, input: String) -> TemporaryFolder {
  let folder = TemporaryFolder()
  folder.write("job.yaml", job)
  folder.write("in.csv", input)
  return folder
}

private func run(_ folder: TemporaryFolder, _ options: [String] = []) -> CommandResult {
  runCommandLine(["run", folder.path("job.yaml")] + options)
}

/// Parses the `--report` file and returns it with its first step.
private func reportStep(_ folder: TemporaryFolder, _ name: String = "report.json") throws -> (
  report: JSONObject, step: JSONObject
) {
  let text = try #require(folder.read(name))
  guard case .object(let report) = try JSONParser.parse(Array(text.utf8)),
    case .array(let steps)? = report["steps"], case .object(let step)? = steps.first
  else {
    Issue.record("the report has no step: \(text)")
    return (JSONObject(), JSONObject())
  }
  return (report, step)
}

@Suite struct EndToEndTests {
  @Test func allWrittenExitsZero() {
    let folder = jobFolder(input: validRows)
    let result = run(folder)
    #expect(result.status == 0)
    #expect(
      folder.read("out/people.jsonl") == adaPayload + "\n"
        + #"{"first_name":"Alan","last_name":"Turing","email":"alan@example.com","opening":13,"source":"Migrated"}"#
        + "\n")
    #expect(!folder.exists("rejects"))
    #expect(result.out == "")
    #expect(
      result.error.hasPrefix(
        "step 'people': started\nstep 'people': read 2, valid 2, rejected 0, written 2, created 0, updated 0, skipped 0, failed 0, requests 0, retries 0, 429 responses 0 in "
      ))
    #expect(result.error.hasSuffix(" s\n  output: \(folder.path("out/people.jsonl"))\n"))
  }

  @Test func someRejectedExitsOne() {
    let folder = jobFolder(input: mixedRows)
    let result = run(folder)
    #expect(result.status == 1)
    #expect(folder.read("out/people.jsonl") == adaPayload + "\n")
    #expect(folder.read("rejects/people.csv") == mixedRejects)
    #expect(folder.permissions("rejects/people.csv") == 0o600)
    #expect(result.error.contains("read 5, valid 1, rejected 4, written 1,"))
    #expect(result.error.contains("\n  rejects: \(folder.path("rejects/people.csv"))\n"))
  }

  @Test func stderrNamesLinesNotValues() {
    let folder = jobFolder(input: mixedRows)
    let input = folder.path("in.csv")
    let result = run(folder, ["--verbose"])
    #expect(
      result.error.contains(
        """
        warning: \(input):3: rejected: email is not a valid e-mail address
        warning: \(input):4: rejected: opening must be an integer, not text that is not a whole number
        warning: \(input):5: rejected: the key (Email) repeats the record on line 2
        warning: \(input):6: rejected: the key (Email) is empty

        """))
    for value in [
      "Grace", "Hopper", "grace@example", "Turing", "alan@", "Katherine", "ada@", "Dijkstra",
    ] {
      #expect(!result.error.contains(value), "stderr shows \(value)")
    }
  }

  @Test func jsonLogHidesValues() {
    let folder = jobFolder(input: mixedRows)
    let result = run(folder, ["--log-format", "json"])
    #expect(result.status == 1)
    let lines = result.error.split(separator: "\n")
    #expect(lines.count == 6)
    for line in lines {
      #expect((try? JSONParser.parse(Array(line.utf8))) != nil, "not JSON: \(line)")
      #expect(!line.contains("Grace"), "\(line)")
      #expect(!line.contains("grace@"), "\(line)")
    }
  }

  @Test func rejectsFedBackAfterFixing() throws {
    let folder = jobFolder(input: mixedRows)
    #expect(run(folder).status == 1)
    var rejects = try #require(folder.read("rejects/people.csv"))
    rejects = rejects.replacingOccurrences(of: "alan@example.com,x,", with: "alan@example.com,16,")
    rejects = rejects.replacingOccurrences(
      of: "Katherine Johnson,ada@", with: "Katherine Johnson,katherine@")
    rejects = rejects.replacingOccurrences(of: "Dijkstra,,", with: "Dijkstra,edsger@example.com,")
    folder.write("fixed.csv", rejects)
    folder.write(
      "job.yaml",
      candidateJob.replacingOccurrences(of: "in.csv", with: "fixed.csv")
        .replacingOccurrences(of: "out/people.jsonl", with: "out/fixed.jsonl"))

    let again = run(folder)
    #expect(again.status == 1)
    #expect(
      folder.read("out/fixed.jsonl") == """
        {"first_name":"Alan","last_name":"Turing","email":"alan@example.com","opening":16,"source":"Migrated"}
        {"first_name":"Katherine","last_name":"Johnson","email":"katherine@example.com","opening":14,"source":"Migrated"}
        {"first_name":"Edsger","last_name":"Dijkstra","email":"edsger@example.com","opening":15,"source":"Migrated"}

        """)
    #expect(
      folder.read("rejects/people.csv") == """
        Name,Email,Opening,Source,_row,_errors
        Grace Hopper,grace@example,13,,2,email is not a valid e-mail address

        """)
  }

  @Test func rejectsFedBackPassThrough() {
    let folder = TemporaryFolder()
    folder.write(
      "in.csv",
      "Name,Email,_row,_errors\nAda,ada@example.com,3,email is not a valid e-mail address\n")
    folder.write(
      "job.yaml",
      """
      version: 1
      steps:
        - name: fixed
          read: { path: in.csv }
          write: { path: out.jsonl }
      """)
    #expect(run(folder).status == 0)
    #expect(folder.read("out.jsonl") == #"{"Name":"Ada","Email":"ada@example.com"}"# + "\n")
  }

  @Test func cleanRunRemovesOldRejects() {
    let folder = jobFolder(input: mixedRows)
    #expect(run(folder).status == 1)
    #expect(folder.exists("rejects/people.csv"))
    folder.write("in.csv", validRows)
    #expect(run(folder).status == 0)
    #expect(!folder.exists("rejects/people.csv"))
  }

  @Test func jsonLinesRejects() {
    let folder = TemporaryFolder()
    folder.write(
      "in.jsonl",
      """
      {"title": "Chef", "status": "open"}
      {"title": "", "status": "Open", "owner": "ada@example.com"}
      {"title": "Cook"
      {"status": "closed"}

      """)
    folder.write(
      "job.yaml",
      """
      version: 1
      steps:
        - name: openings
          read: { path: in.jsonl }
          validate: opening
          write: { path: out/openings.csv }
      """)
    let result = run(folder)
    #expect(result.status == 1)
    #expect(folder.read("out/openings.csv") == "title,status\nChef,open\n")
    #expect(
      folder.read("rejects/openings.jsonl") == #"""
        {"row":2,"errors":[{"field":"title","rule":"required","message":"title is required but empty"},{"field":"status","rule":"enum","message":"status must be one of open, closed, draft (did you mean 'open'?)"}],"record":{"title":"","status":"Open","owner":"ada@example.com"}}
        {"row":3,"errors":[{"field":null,"rule":"json","message":"line 3, column 17: invalid JSON: unexpected end of input, expected ',' or '}'"}],"record":"{\"title\": \"Cook\""}
        {"row":4,"errors":[{"field":"title","rule":"required","message":"title is required"}],"record":{"status":"closed"}}

        """#)
    #expect(folder.permissions("rejects/openings.jsonl") == 0o600)
    #expect(!result.error.contains("ada@example.com"))
  }

  @Test func jobFileErrorExitsTwo() {
    let folder = jobFolder(
      job: candidateJob.replacingOccurrences(of: "validate:", with: "valdate:"), input: validRows)
    let result = run(folder)
    #expect(result.status == 2)
    #expect(result.error.hasSuffix("1 problem in \(folder.path("job.yaml")); nothing was run\n"))
    #expect(folder.list() == ["in.csv", "job.yaml"])
  }

  @Test func missingInputExitsTwo() {
    let folder = jobFolder(input: validRows)
    FileSystem.remove(folder.path("in.csv"))
    let result = run(folder)
    #expect(result.status == 2)
    #expect(
      result.error
        == "error: step 'people': the input file \(folder.path("in.csv")) does not exist\n")
  }

  @Test func missingColumnExitsTwo() {
    let folder = jobFolder(
      job: candidateJob.replacingOccurrences(of: "field: Name,", with: "field: Nmae,"),
      input: validRows)
    folder.write("rejects/people.csv", "old\n")
    let result = run(folder, ["--report", folder.path("report.json")])
    let input = folder.path("in.csv")
    #expect(result.status == 2)
    #expect(
      result.error.hasSuffix(
        "error: \(folder.path("job.yaml")):8:28: step 'people': the column 'Nmae' used by output "
          + "field 'first_name' is not in \(input) (did you mean 'Name'?). \(input) has the columns "
          + "Name, Email, Opening, Source.\n"))
    #expect(!folder.exists("out/people.jsonl"))
    #expect(folder.list("out") == [])
    #expect(folder.read("rejects/people.csv") == "old\n")
  }

  @Test func missingColumnWithoutRows() {
    let folder = jobFolder(
      job: candidateJob.replacingOccurrences(of: "field: Name,", with: "field: Nmae,"),
      input: "Name,Email,Opening,Source\n")
    let result = run(folder)
    let input = folder.path("in.csv")
    #expect(result.status == 2)
    #expect(
      result.error.contains(
        "\(folder.path("job.yaml")):8:28: step 'people': the column 'Nmae' used by output field "
          + "'first_name' is not in \(input) (did you mean 'Name'?)"))
    #expect(folder.list("out") == [])
  }

  @Test func missingKeyColumnExitsTwo() {
    let folder = jobFolder(
      job: candidateJob.replacingOccurrences(of: "key: Email", with: "key: Emial"), input: validRows
    )
    let result = run(folder)
    let input = folder.path("in.csv")
    #expect(result.status == 2)
    #expect(
      result.error.hasSuffix(
        "error: \(folder.path("job.yaml")):6:10: step 'people': the key column 'Emial' is not in "
          + "\(input) (did you mean 'Email'?). \(input) has the columns Name, Email, Opening, Source.\n"
      ))
  }

  @Test func missingKeyColumnInListNamesItsLine() {
    let folder = jobFolder(
      job: candidateJob.replacingOccurrences(of: "key: Email", with: "key: [Email, Sorce]"),
      input: validRows)
    let result = run(folder)
    let input = folder.path("in.csv")
    #expect(result.status == 2)
    #expect(
      result.error.contains(
        "\(folder.path("job.yaml")):6:18: step 'people': the key column 'Sorce' is not in \(input) "
          + "(did you mean 'Source'?)"))
  }

  @Test func missingColumnListsColumnsWithoutNearOne() {
    let folder = jobFolder(
      job: candidateJob.replacingOccurrences(of: "opening: Opening", with: "opening: Posting ID"),
      input: validRows)
    let result = run(folder)
    let input = folder.path("in.csv")
    #expect(result.status == 2)
    #expect(
      result.error.hasSuffix(
        "error: \(folder.path("job.yaml")):11:16: step 'people': the column 'Posting ID' used by "
          + "output field 'opening' is not in \(input). \(input) has the columns Name, Email, "
          + "Opening, Source.\n"))
  }

  @Test func utf16WithoutMarkSuggestsEncoding() throws {
    for bigEndian in [false, true] {
      let folder = jobFolder(input: "")
      let bytes = Array(utf16Bytes(validRows, bigEndian: bigEndian).dropFirst(2))
      folder.write("in.csv", bytes: bytes)
      let result = run(folder)
      let input = folder.path("in.csv")
      #expect(result.status == 2)
      #expect(!result.error.utf8.contains(0))
      #expect(
        result.error.contains(
          "is not in \(input). The header contains NUL bytes, so \(input) looks like UTF-16 without a "
            + "byte order mark. Set `encoding: utf-16` in `read:`. \(input) has the columns "))
      #expect(result.error.contains(bigEndian ? "\\0N\\0a\\0m\\0e" : "N\\0a\\0m\\0e\\0"))

      let fixed = candidateJob.replacingOccurrences(
        of: "read: { path: in.csv }", with: "read: { path: in.csv, encoding: utf-16 }")
      folder.write("job.yaml", fixed)
      let rerun = run(folder)
      #expect(rerun.status == 0, "\(rerun.error)")
      #expect(folder.read("out/people.jsonl")?.hasPrefix(adaPayload) == true)
    }
  }

  @Test func wrongDelimiterSuggestsOne() {
    let semicolonRows = validRows.replacingOccurrences(of: ",", with: ";")
    let folder = jobFolder(
      job: candidateJob.replacingOccurrences(
        of: "read: { path: in.csv }", with: "read: { path: in.csv, delimiter: \",\" }"),
      input: semicolonRows)
    let result = run(folder)
    let input = folder.path("in.csv")
    #expect(result.status == 2)
    #expect(
      result.error.hasSuffix(
        "error: \(folder.path("job.yaml")):8:28: step 'people': the column 'Name' used by output "
          + "field 'first_name' is not in \(input). Its header looks ';'-separated, but the step "
          + "reads it with the delimiter ','. Set `delimiter: \";\"` in `read:`, or remove "
          + "`delimiter:` so that the delimiter is detected.\n"))
    #expect(!result.error.contains("did you mean"))
  }

  @Test func unreadableInputExitsThree() throws {
    let folder = TemporaryFolder()
    folder.write(
      "job.yaml",
      """
      version: 1
      steps:
        - name: lines
          read: { path: in.jsonl, field_size_limit: 40 }
          write: { path: out/lines.jsonl }
      """)
    let long = String(repeating: "x", count: 100)
    folder.write(
      "in.jsonl", "{\"a\": \"1\"}\n{\"a\": \"2\"}\n{\"a\": \"\(long)\"}\n{\"a\": \"4\"}\n")
    folder.write("out/lines.jsonl", "old\n")
    let result = run(folder, ["--report", folder.path("report.json")])
    #expect(result.status == 3)
    #expect(
      result.error.hasSuffix(
        "error: \(folder.path("in.jsonl")):3: the line is longer than the line size limit of 40 bytes; raise "
          + "`field_size_limit` if it is really that long\n"))
    #expect(folder.read("out/lines.jsonl") == "old\n")
    #expect(folder.list("out") == ["lines.jsonl"])

    let (report, step) = try reportStep(folder)
    #expect(report["exit_status"] == .number("3"))
    #expect(step["name"] == .string("lines"))
    #expect(step["read"] == .number("2"))
    #expect(step["written"] == .number("0"))
  }

  @Test func unwritableOutputExitsThree() {
    let folder = jobFolder(
      job: candidateJob.replacingOccurrences(of: "out/people.jsonl", with: "blocker/people.jsonl"),
      input: validRows)
    folder.write("blocker", "a file where a folder should be\n")
    let result = run(folder)
    #expect(result.status == 3)
    #expect(
      result.error.hasSuffix(
        "error: \(folder.path("blocker/people.jsonl")): cannot create: Not a directory\n"))
  }

  @Test func unwritableReportExitsThree() {
    let folder = jobFolder(input: validRows)
    folder.write("blocker", "x\n")
    let result = run(folder, ["--report", folder.path("blocker/report.json")])
    #expect(result.status == 3)
    #expect(
      result.error.hasSuffix(
        "error: cannot write the report: \(folder.path("blocker/report.json")): cannot create: Not a directory\n"
      ))
    #expect(folder.exists("out/people.jsonl"))
  }

  @Test func dryRunWritesNothing() {
    let folder = jobFolder(input: mixedRows)
    folder.write("rejects/people.csv", "old\n")
    let result = run(folder, ["--dry-run"])
    #expect(result.status == 1)
    #expect(!folder.exists("out"))
    #expect(folder.read("rejects/people.csv") == "old\n")
    #expect(folder.list("rejects") == ["people.csv"])
    #expect(result.error.hasPrefix("step 'people': started (dry run: nothing will be written)\n"))
    #expect(result.error.hasSuffix(" s\n  would write 1 record, for example:\n    \(adaPayload)\n"))
  }

  @Test func dryRunShowsThreeExamples() {
    var rows = "Name,Email,Opening,Source\n"
    for number in 1...5 { rows += "Person \(number),p\(number)@example.com,\(number),\n" }
    let folder = jobFolder(input: rows)
    let result = run(folder, ["--dry-run"])
    #expect(result.status == 0)
    #expect(result.error.contains("  would write 5 records, for example:\n"))
    #expect(result.error.contains(#"{"first_name":"Person","last_name":"3","#))
    #expect(!result.error.contains(#""last_name":"4""#))
  }

  @Test func limitStopsReading() throws {
    let folder = jobFolder(input: mixedRows)
    let result = run(folder, ["--limit", "2", "--report", folder.path("report.json")])
    #expect(result.status == 1)
    #expect(folder.read("out/people.jsonl") == adaPayload + "\n")
    #expect(
      folder.read("rejects/people.csv")
        == "Name,Email,Opening,Source,_row,_errors\nGrace Hopper,grace@example,13,,3,email is not a valid e-mail address\n"
    )
    let step = try reportStep(folder).step
    #expect(step["read"] == .number("2"))
  }

  @Test func limitZeroReadsNothing() {
    let folder = jobFolder(input: validRows)
    let result = run(folder, ["--limit", "0"])
    #expect(result.status == 0)
    #expect(folder.read("out/people.jsonl") == "")
  }

  @Test func stepRunsOnlyThatStep() {
    let folder = jobFolder(
      job: candidateJob + """

          - name: copy
            read: { path: in.csv }
            write: { path: "out/{step}.csv" }
        """, input: validRows)
    let result = run(folder, ["--step", "copy"])
    #expect(result.status == 0)
    #expect(folder.list("out") == ["copy.csv"])
    #expect(folder.read("out/copy.csv") == validRows)
    #expect(!result.error.contains("step 'people'"))
  }

  @Test func stepsRunInJobOrder() throws {
    let folder = jobFolder(
      job: candidateJob + """

          - name: copy
            read: { path: in.csv }
            write: { path: "out/{step}.csv" }
        """, input: validRows)
    let result = run(folder, ["--step", "copy", "--step", "people"])
    #expect(result.status == 0)
    #expect(folder.list("out") == ["copy.csv", "people.jsonl"])
    let people = try #require(result.error.range(of: "step 'people': started"))
    let copy = try #require(result.error.range(of: "step 'copy': started"))
    #expect(people.lowerBound < copy.lowerBound)
  }

  @Test func reportHasStepCounts() throws {
    let folder = jobFolder(input: mixedRows)
    let result = run(folder, ["--report", folder.path("report.json")])
    #expect(result.status == 1)
    let (report, step) = try reportStep(folder)
    #expect(report["job"] == .string("people-import"))
    #expect(report["dry_run"] == .bool(false))
    #expect(report["exit_status"] == .number("1"))
    #expect(report["error"] == .null)
    let counts: [(String, String)] = [
      ("read", "5"), ("valid", "1"), ("rejected", "4"), ("written", "1"), ("created", "0"),
      ("updated", "0"), ("skipped", "0"), ("failed", "0"), ("requests", "0"), ("retries", "0"),
      ("rate_limited", "0"),
    ]
    for (key, value) in counts {
      #expect(step[key] == .number(value), "\(key)")
    }
    guard case .number(let seconds)? = step["seconds"] else {
      Issue.record("seconds is not a number: \(String(describing: step["seconds"]))")
      return
    }
    #expect(Double(seconds) != nil)
    #expect(step["input"] == .string(folder.path("in.csv")))
    #expect(step["output"] == .string(folder.path("out/people.jsonl")))
    #expect(step["rejects_file"] == .string(folder.path("rejects/people.csv")))
  }

  @Test func reportForDryRun() throws {
    let folder = jobFolder(input: validRows)
    #expect(run(folder, ["--dry-run", "--report", folder.path("report.json")]).status == 0)
    let (report, step) = try reportStep(folder)
    #expect(report["dry_run"] == .bool(true))
    #expect(step["written"] == .number("0"))
    #expect(step["valid"] == .number("2"))
    // The example payloads hold personal data, so they stay out of the report.
    #expect(step["examples"] == nil)
  }

  @Test func quietPrintsErrorsOnly() {
    let folder = jobFolder(input: mixedRows)
    let quiet = run(folder, ["-q"])
    #expect(quiet.status == 1)
    #expect(quiet.error == "")
    let unwritable = jobFolder(
      job: candidateJob.replacingOccurrences(of: "out/people.jsonl", with: "in.csv/people.jsonl"),
      input: validRows)
    let failed = run(unwritable, ["-q"])
    #expect(failed.status == 3)
    #expect(failed.error.hasPrefix("error: "))
  }

  @Test func pathTemplateInOutput() throws {
    let folder = jobFolder(
      job: candidateJob.replacingOccurrences(
        of: "out/people.jsonl", with: #""out/{step}-{date}-{run}.csv""#),
      input: validRows)
    let result = run(folder, ["--report", folder.path("report.json")])
    #expect(result.status == 0)
    let (report, step) = try reportStep(folder)
    guard case .string(let runID)? = report["run_id"],
      case .string(let started)? = report["started_at"]
    else {
      Issue.record("the report has no run_id or started_at")
      return
    }
    let expected = "out/people-\(started.prefix(10))-\(runID).csv"
    #expect(step["output"] == .string(folder.path(expected)))
    #expect(
      folder.read(expected)?.hasPrefix("first_name,last_name,email,opening,source\nAda,Lovelace,")
        == true)
  }

  @Test func excelSafeOutput() {
    let folder = jobFolder(
      job: candidateJob.replacingOccurrences(
        of: "write: { path: out/people.jsonl }",
        with: "write: { path: out/people.csv, excel_safe: true }"),
      input: "Name,Email,Opening,Source\n=HYPERLINK(x) Evil,e@example.com,1,@SUM\n")
    #expect(run(folder).status == 0)
    #expect(
      folder.read("out/people.csv")
        == "first_name,last_name,email,opening,source\n'=HYPERLINK(x),Evil,e@example.com,1,Migrated\n"
    )
  }
}
