import Testing

@testable import HireETL

/// A job file and the problems, as `line:column: message`, that loading it must report.
struct JobFileErrorCase: Sendable, CustomTestStringConvertible {
  var name: String
  var yaml: String
  var problems: [String]
  var environment: [String: String] = [:]

  var testDescription: String { name }
}

private let jobFileErrorCases: [JobFileErrorCase] = [
  JobFileErrorCase(
    name: "filter value outside its enum",
    yaml: """
      version: 1
      api: { base_url: sandbox }
      steps:
        - name: a
          read: { resource: openings, filter: { status: opne } }
          write: { path: out.jsonl }
      """,
    problems: ["5:51: status must be one of open, closed, draft; did you mean 'open'?"]),
  JobFileErrorCase(
    name: "input that is its own rejects file",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: rejects/a.csv }
          write: { path: out.jsonl }
      """,
    problems: [
      "4:11: step 'a' reads its own rejects file, so a run would replace or remove its input; "
        + "set `rejects:` to another path"
    ]),
  JobFileErrorCase(
    name: "unset key variable reported once",
    yaml: """
      version: 1
      api:
        base_url: https://acme.example.com/api/v2
        api_key: ${HIRE_TEST_UNSET_KEY}
      steps:
        - name: a
          read: { resource: candidates }
          write: { path: out.jsonl }
      """,
    problems: [
      "4:12: the environment variable HIRE_TEST_UNSET_KEY is not set; set it, or give a "
        + "fallback with ${HIRE_TEST_UNSET_KEY:-value}"
    ]),
  JobFileErrorCase(
    name: "output field the API cannot store",
    yaml: """
      version: 1
      api: { base_url: sandbox }
      steps:
        - name: a
          read: { path: in.csv }
          key: Email
          map:
            first_name: First
            emial: Email
          write: { resource: candidates }
      """,
    problems: [
      "9:7: step 'a': output field 'emial' is not a field of CandidateInput, so the API cannot "
        + "store it; did you mean 'email'?"
    ]),
  JobFileErrorCase(
    name: "misspelt field of an API read",
    yaml: """
      version: 1
      api: { base_url: sandbox }
      steps:
        - name: a
          read: { resource: candidates, since: last_run }
          map:
            mail: emial
            first: { path: first_name }
          write: { path: out.csv }
      """,
    problems: [
      "7:7: step 'a': 'emial' is not a field of candidates in the API; did you mean 'email'?"
    ]),
  JobFileErrorCase(
    name: "misspelt read key",
    yaml: """
      version: 1
      steps:
        - name: a
          read:
            path: in.csv
            delimeter: ";"
          write:
            path: out.jsonl
      """,
    problems: ["6:7: unknown key 'delimeter' in read of step 'a'; did you mean 'delimiter'?"]),
  JobFileErrorCase(
    name: "misspelt step key",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.csv }
          valdate: candidate
          write: { path: out.jsonl }
      """,
    problems: ["5:5: unknown key 'valdate' in a step; did you mean 'validate'?"]),
  JobFileErrorCase(
    name: "misspelt top-level key",
    yaml: """
      version: 1
      nmae: import
      steps:
        - name: a
          read: { path: in.csv }
          write: { path: out.jsonl }
      """,
    problems: ["2:1: unknown key 'nmae' in the job file; did you mean 'name'?"]),
  JobFileErrorCase(
    name: "unknown key far from any",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.csv }
          write: { path: out.jsonl, compression: gzip }
      """,
    problems: [
      "5:31: unknown key 'compression' in write of step 'a'; the keys allowed here are: path, "
        + "format, excel_safe, delimiter, resource, mode, batch_size"
    ]),
  JobFileErrorCase(
    name: "misspelt rule option",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.csv }
          map:
            phone: { field: Phone, defualt: null }
          write: { path: out.jsonl }
      """,
    problems: ["6:30: unknown key 'defualt' in the rule for 'phone'; did you mean 'default'?"]),
  JobFileErrorCase(
    name: "misspelt rule kind",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.csv }
          map:
            last_name: { feild: Name }
          write: { path: out.jsonl }
      """,
    problems: [
      "6:18: the rule for 'last_name' needs exactly one of field, path, const, join or template; it has none",
      "6:20: unknown key 'feild' in the rule for 'last_name'; did you mean 'field'?",
    ]),
  JobFileErrorCase(
    name: "two rule kinds",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.csv }
          map:
            x: { field: A, const: 1 }
          write: { path: out.jsonl }
      """,
    problems: [
      "6:10: the rule for 'x' needs exactly one of field, path, const, join or template; it has field and const"
    ]),
  JobFileErrorCase(
    name: "const with options",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.csv }
          map:
            x: { const: 1, default: 2 }
          write: { path: out.jsonl }
      """,
    problems: ["6:10: the rule for 'x': `const` takes no other keys (found default)"]),
  JobFileErrorCase(
    name: "sep without join",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.csv }
          map:
            x: { field: A, sep: "-" }
          write: { path: out.jsonl }
      """,
    problems: ["6:22: the rule for 'x': `sep` goes with `join` only"]),
  JobFileErrorCase(
    name: "date_format without type",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.csv }
          map:
            x: { field: D, date_format: "%d.%m.%Y" }
          write: { path: out.jsonl }
      """,
    problems: ["6:35: the rule for 'x': `date_format` needs `type: date` or `type: datetime`"]),
  JobFileErrorCase(
    name: "template brace left open",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.csv }
          map:
            x: { template: "{City (x)" }
          write: { path: out.jsonl }
      """,
    problems: [
      "6:22: the rule for 'x': the template has a `{` that is never closed; write `{{` for a literal brace"
    ]),
  JobFileErrorCase(
    name: "values not a table",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.csv }
          map:
            x: { field: S, values: [a, b] }
          write: { path: out.jsonl }
      """,
    problems: [
      "6:30: the rule for 'x': `values` must be a mapping from source values to output values"
    ]),
  JobFileErrorCase(
    name: "unset variable",
    yaml: """
      version: 1
      steps:
        - name: a
          read:
            path: ${HIRE_INPUT}
          write: { path: out.jsonl }
      """,
    problems: [
      "5:13: the environment variable HIRE_INPUT is not set; set it, or give a fallback with ${HIRE_INPUT:-value}"
    ]),
  JobFileErrorCase(
    name: "unset variable in a rule",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.csv }
          map:
            source: { const: "${SOURCE_NAME}" }
          write: { path: out.jsonl }
      """,
    problems: [
      "6:24: the environment variable SOURCE_NAME is not set; set it, or give a fallback with ${SOURCE_NAME:-value}"
    ]),
  JobFileErrorCase(
    name: "invalid variable name",
    yaml: """
      version: 1
      name: ${1NAME}
      steps:
        - name: a
          read: { path: in.csv }
          write: { path: out.jsonl }
      """,
    problems: [
      "2:7: '${1NAME}' is not a valid variable reference; names use letters, digits and underscores"
    ]),
  JobFileErrorCase(
    name: "version missing",
    yaml: """
      name: x
      steps:
        - name: a
          read: { path: in.csv }
          write: { path: out.jsonl }
      """,
    problems: ["1:1: the job file has no `version:`; add `version: 1` at the top"]),
  JobFileErrorCase(
    name: "version too new",
    yaml: """
      version: 2
      steps:
        - name: a
          read: { path: in.csv }
          write: { path: out.jsonl }
      """,
    problems: [
      "1:10: this job file is version 2, but this hire-etl reads version 1 only; upgrade hire-etl"
    ]),
  JobFileErrorCase(
    name: "version not a number",
    yaml: """
      version: one
      steps:
        - name: a
          read: { path: in.csv }
          write: { path: out.jsonl }
      """,
    problems: ["1:10: version must be a whole number; this hire-etl reads version 1"]),
  JobFileErrorCase(
    name: "version zero",
    yaml: """
      version: 0
      steps:
        - name: a
          read: { path: in.csv }
          write: { path: out.jsonl }
      """,
    problems: ["1:10: version must be a whole number; this hire-etl reads version 1"]),
  JobFileErrorCase(
    name: "wrong types",
    yaml: """
      version: 1
      api:
        base_url: sandbox
        burst: many
      steps:
        - name: a
          read: { path: in.csv, header_row: first }
          map:
            x: { field: A, trim: yes }
          write: { path: out.csv, excel_safe: maybe, batch_size: many }
      """,
    problems: [
      "4:10: burst must be a whole number from 1 to 10000",
      "7:39: header_row must be a whole number from 0 to 1000000",
      "9:28: trim must be true or false",
      "10:41: excel_safe must be true or false",
      "10:48: `batch_size` applies to writing to the API only",
    ]),
  JobFileErrorCase(
    name: "list where a value goes",
    yaml: """
      version: 1
      name: [a, b]
      steps:
        - name: a
          read: { path: in.csv }
          write: { path: out.jsonl }
      """,
    problems: ["2:7: name must be a single value, not a list or mapping"]),
  JobFileErrorCase(
    name: "bad enum values",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.csv, duplicate_columns: numbr }
          map:
            first_name: { field: Name, split_name: frist }
            opening: { field: Opening, type: integr }
          validate: candidat
          write: { path: out.jsonl, format: jsnl }
      """,
    problems: [
      "4:46: duplicate_columns must be one of reject, number; did you mean 'number'?",
      "6:46: split_name must be one of first, last; did you mean 'first'?",
      "7:40: type must be one of string, integer, boolean, date, datetime; did you mean 'integer'?",
      "8:15: validate must be one of opening, candidate, none; did you mean 'candidate'?",
      "9:39: format must be one of csv, jsonl, xml; did you mean 'jsonl'?",
    ]),
  JobFileErrorCase(
    name: "unknown encoding",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.csv, encoding: ebcdic }
          write: { path: out.jsonl }
      """,
    problems: [
      "4:37: unknown encoding 'ebcdic'; use one of auto, utf-8, utf-16, utf-16le, utf-16be, windows-1252, latin-1"
    ]),
  JobFileErrorCase(
    name: "duplicate step names",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.csv }
          write: { path: a.jsonl }
        - name: a
          read: { path: in.csv }
          write: { path: b.jsonl }
      """,
    problems: [
      "6:5: a step named 'a' already exists (at line 3, column 5); step names must be unique"
    ]),
  JobFileErrorCase(
    name: "steps missing",
    yaml: "version: 1\nname: x\n",
    problems: ["1:1: the job file has no `steps:`; add at least one step"]),
  JobFileErrorCase(
    name: "steps empty",
    yaml: "version: 1\nsteps: []\n",
    problems: ["2:8: `steps:` must be a list with at least one step"]),
  JobFileErrorCase(
    name: "step parts missing",
    yaml: """
      version: 1
      steps:
        - read: { path: in.csv }
          write: { path: a.jsonl }
        - name: b
          write: { path: b.jsonl }
        - name: c
          read: { path: in.csv }
      """,
    problems: [
      "3:5: every step needs a `name:`",
      "5:5: step 'b' has no `read:`",
      "7:5: step 'c' has no `write:`",
    ]),
  JobFileErrorCase(
    name: "format unknown from extension",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.txt }
          write: { path: out.jsonl }
      """,
    problems: [
      "4:19: cannot tell the format of 'in.txt' from its extension; add `format: csv`, `jsonl` or `xml`"
    ]),
  JobFileErrorCase(
    name: "CSV key on JSON Lines input",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.jsonl, delimiter: ";" }
          write: { path: out.jsonl }
      """,
    problems: ["4:29: `delimiter` applies to CSV input only"]),
  JobFileErrorCase(
    name: "excel_safe on JSON Lines",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.csv }
          write: { path: out.jsonl, excel_safe: true }
      """,
    problems: ["5:43: `excel_safe` applies to CSV output only"]),
  JobFileErrorCase(
    name: "lookup of later step",
    yaml: """
      version: 1
      steps:
        - name: a
          read: { path: in.csv }
          map:
            opening: { field: Posting, lookup: openigns }
          write: { path: out.jsonl }
        - name: openings
          read: { path: o.csv }
          write: { path: o.jsonl }
      """,
    problems: ["6:7: lookup: 'openigns' is not an earlier step"]),
  JobFileErrorCase(
    name: "lookup of file step",
    yaml: """
      version: 1
      steps:
        - name: openings
          read: { path: o.csv }
          write: { path: o.jsonl }
        - name: a
          read: { path: in.csv }
          map:
            opening: { field: Posting, lookup: openings }
          write: { path: out.jsonl }
      """,
    problems: [
      "9:7: lookup: step 'openings' writes to a file, so it creates no ids to look up; lookups need a step that writes to the API"
    ]),
  JobFileErrorCase(
    name: "since with a hyphen",
    yaml: """
      version: 1
      api: { base_url: sandbox }
      steps:
        - name: a
          read: { resource: candidates, since: last-run }
          write: { path: out.jsonl }
      """,
    problems: [
      "5:42: since must be `last_run` or an ISO 8601 timestamp such as 2024-03-05T10:00:00Z, "
        + "not 'last-run'; did you mean 'last_run'?"
    ]),
  JobFileErrorCase(
    name: "since far from last_run",
    yaml: """
      version: 1
      api: { base_url: sandbox }
      steps:
        - name: a
          read: { resource: candidates, since: yesterday }
          write: { path: out.jsonl }
      """,
    problems: [
      "5:42: since must be `last_run` or an ISO 8601 timestamp such as 2024-03-05T10:00:00Z, "
        + "not 'yesterday'"
    ]),
  JobFileErrorCase(
    name: "unknown API resource",
    yaml: """
      version: 1
      api: { base_url: sandbox }
      steps:
        - name: a
          read: { resource: jobs }
          write: { path: out.jsonl }
      """,
    problems: [
      "5:23: resource must be one of openings, candidates, candidatemessages, internalnotes, "
        + "interviews, reviews, evaluations, todos"
    ]),
  JobFileErrorCase(
    name: "every problem at once",
    yaml: """
      version: 1
      steps:
        - name: cands
          read:
            path: in.csv
            delimeter: ","
          map:
            first_name: { field: Name, split_name: frist }
            source: ${SRC}
          valdate: candidate
          write:
            path: out.jsonl
        - name: cands
          read: { path: in.csv }
          write: { path: x.jsonl }
      """,
    problems: [
      "6:7: unknown key 'delimeter' in read of step 'cands'; did you mean 'delimiter'?",
      "8:46: split_name must be one of first, last; did you mean 'first'?",
      "9:15: the environment variable SRC is not set; set it, or give a fallback with ${SRC:-value}",
      "10:5: unknown key 'valdate' in a step; did you mean 'validate'?",
      "13:5: a step named 'cands' already exists (at line 3, column 5); step names must be unique",
    ]),
]

/// Returns a small valid job that reads `path`.
private func jobReading(_ path: String) -> String {
  """
  version: 1
  steps:
    - name: a
      read: { path: "\(path)" }
      write: { path: out.jsonl }
  """
}

@Suite struct JobFileTests {
  @Test("job file problem", arguments: jobFileErrorCases)
  func problem(_ testCase: JobFileErrorCase) {
    let result = loadJob(testCase.yaml, environment: testCase.environment)
    #expect(result.job == nil)
    #expect(result.problems == testCase.problems)
  }

  @Test func variableSubstituted() throws {
    let job = try #require(loadJob(jobReading("${FEED}.csv"), environment: ["FEED": "daily"]).job)
    guard case .file(let input) = job.steps[0].input else {
      Issue.record("the step does not read a file")
      return
    }
    #expect(input.displayPath.hasSuffix("/daily.csv"))
  }

  @Test func variableFallbackWhenUnset() throws {
    let job = try #require(loadJob(jobReading("${FEED:-weekly}.csv")).job)
    guard case .file(let input) = job.steps[0].input else {
      Issue.record("the step does not read a file")
      return
    }
    #expect(input.displayPath.hasSuffix("/weekly.csv"))
  }

  @Test func variableFallbackWhenEmpty() throws {
    let job = try #require(
      loadJob(jobReading("${FEED:-weekly}.csv"), environment: ["FEED": ""]).job)
    guard case .file(let input) = job.steps[0].input else {
      Issue.record("the step does not read a file")
      return
    }
    #expect(input.displayPath.hasSuffix("/weekly.csv"))
  }

  @Test func variableSetBeatsFallback() throws {
    let job = try #require(
      loadJob(jobReading("${FEED:-weekly}.csv"), environment: ["FEED": "daily"]).job)
    guard case .file(let input) = job.steps[0].input else {
      Issue.record("the step does not read a file")
      return
    }
    #expect(input.displayPath.hasSuffix("/daily.csv"))
  }

  @Test func doubleDollarIsLiteral() throws {
    let yaml = """
      version: 1
      name: "cost $${AMOUNT} in $$"
      steps:
        - name: a
          read: { path: in.csv }
          write: { path: out.jsonl }
      """
    let job = try #require(loadJob(yaml, environment: ["AMOUNT": "5"]).job)
    #expect(job.name == "cost ${AMOUNT} in $$")
  }

  @Test func variableTable() {
    let variables = Variables(environment: ["A": "1", "EMPTY": ""])
    let cases: [(String, Result<String, VariableError>)] = [
      ("${A}", .success("1")),
      ("x${A}y${A}", .success("x1y1")),
      ("${B:-two}", .success("two")),
      ("${B:-}", .success("")),
      (
        "${EMPTY}",
        .failure(
          VariableError(
            message: "the environment variable EMPTY is set but empty; give it a value, or give "
              + "a fallback with ${EMPTY:-value}"))
      ),
      ("$${A}", .success("${A}")),
      ("$A and $", .success("$A and $")),
      ("${A", .success("${A")),
    ]
    for (text, expected) in cases {
      #expect(variables.substitute(text) == expected, "\(text)")
    }
  }

  @Test func defaultsFilledIn() throws {
    let folder = TemporaryFolder()
    folder.write(
      "jobs/lever.yaml",
      """
      version: 1
      steps:
        - name: people
          read: { path: in/people.csv }
          write: { path: out/people.jsonl }
        - name: notes
          read: { path: in/notes.jsonl }
          write: { path: out/notes.csv }
      """)
    let job = try JobDecoder.load(path: folder.path("jobs/lever.yaml"), environment: [:])
    #expect(job.name == "lever")
    #expect(job.version == 1)
    #expect(job.statePath == folder.path("jobs/.hire-etl/lever.sqlite"))
    #expect(
      job.steps.map(\.rejectsPath) == [
        folder.path("jobs/rejects/people.csv"), folder.path("jobs/rejects/notes.jsonl"),
      ])
    #expect(job.steps.map { $0.map == nil } == [true, true])
    #expect(job.steps.map { $0.schema == nil } == [true, true])
    guard case .file(let input) = job.steps[0].input, case .file(let output) = job.steps[1].output
    else {
      Issue.record("the steps do not read and write files")
      return
    }
    #expect(input.path == folder.path("jobs/in/people.csv"))
    #expect(input.format == .csv)
    #expect(output.pathTemplate == folder.path("jobs/out/notes.csv"))
    #expect(output.format == .csv)
    #expect(output.delimiter == UInt8(ascii: ","))
  }

  @Test func settingsRead() throws {
    let result = loadJob(
      """
      version: 1
      name: people
      state: state/db.sqlite
      steps:
        - name: a
          read: { path: in.txt, format: csv, delimiter: tab, encoding: windows-1252, header_row: 2 }
          key: [First, Last]
          validate: candidate
          write: { path: out.tsv, excel_safe: true }
          rejects: bad/a.jsonl
      """)
    let job = try #require(result.job, "\(result.problems)")
    let step = job.steps[0]
    #expect(job.name == "people")
    #expect(job.statePath.hasSuffix("/state/db.sqlite"))
    #expect(step.key == ["First", "Last"])
    #expect(step.schema?.name == "CandidateInput")
    #expect(step.rejectsPath.hasSuffix("/bad/a.jsonl"))
    guard case .file(let input) = step.input, case .file(let output) = step.output else {
      Issue.record("the step does not read and write files")
      return
    }
    #expect(input.format == .csv)
    #expect(input.csv.delimiter == UInt8(ascii: "\t"))
    #expect(input.csv.headerRow == 2)
    #expect(input.encoding == .windows1252)
    #expect(output.excelSafe)
    #expect(output.delimiter == UInt8(ascii: "\t"))
  }

  @Test func jsonJobFile() throws {
    let result = loadJob(
      #"""
      {"version": 1, "name": "from-json",
       "steps": [{"name": "a", "read": {"path": "in.jsonl"}, "key": "id",
                  "map": {"title": "name", "status": {"const": "open"}},
                  "write": {"path": "out.csv"}}]}
      """#, fileName: "job.json")
    let job = try #require(result.job, "\(result.problems)")
    #expect(job.name == "from-json")
    #expect(job.steps.map(\.name) == ["a"])
    #expect(job.steps[0].key == ["id"])
    #expect(job.steps[0].map?.map(\.name) == ["title", "status"])
    #expect(job.steps[0].map?.last?.rule == .constant(.string("open")))
  }

  @Test func jsonJobFileProblem() {
    let result = loadJob(
      #"{"version": 1, "steps": [{"name": "a", "raed": {"path": "in.csv"}, "write": {"path": "o.jsonl"}}]}"#,
      fileName: "job.json")
    #expect(
      result.problems == [
        "1:26: step 'a' has no `read:`",
        "1:40: unknown key 'raed' in a step; did you mean 'read'?",
      ])
  }

  @Test func jobNameFromFileName() throws {
    let job = try #require(loadJob(jobReading("in.csv"), fileName: "nightly.yml").job)
    #expect(job.name == "nightly")
  }

  @Test func missingFileReported() {
    do {
      _ = try JobDecoder.load(path: "/nonexistent/job.yaml", environment: [:])
      Issue.record("a missing job file loaded")
    } catch {
      #expect(
        error.errors.map(\.description) == [
          "/nonexistent/job.yaml: cannot open: No such file or directory"
        ])
    }
  }

  @Test func problemNamesFile() {
    let folder = TemporaryFolder()
    folder.write("job.yaml", "version: 1\nstpes: []\n")
    do {
      _ = try JobDecoder.load(path: folder.path("job.yaml"), environment: [:])
      Issue.record("a job file with a misspelt key loaded")
    } catch {
      let file = folder.path("job.yaml")
      #expect(
        error.errors.map(\.description) == [
          file + ":1:1: the job file has no `steps:`; add at least one step",
          file + ":2:1: unknown key 'stpes' in the job file; did you mean 'steps'?",
        ])
    }
  }
}
