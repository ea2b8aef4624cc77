/// Runs one file-to-file step: read, map, check the key, validate, write; rejects go to the
/// rejects file.
final class StepRunner {
  let step: Step
  let input: FileInput
  let options: RunOptions
  let run: RunIdentity
  let observer: RunObserver?
  /// The job file's path as given, for errors about it.
  let jobFile: String
  /// The counts so far; after a failure, how far the step got.
  var report: StepReport
  let mapper: Mapper
  let validator: Validator?
  let keys = KeyTracker()
  var keyColumns: [Int]?
  private var keyBytes: [UInt8] = []
  /// The key of the record checked last, its fields joined by U+001F, as the crosswalk stores it.
  var lastKey: String { String(decoding: keyBytes, as: UTF8.self) }
  private var problemLines = 0
  /// The reader of an API read, which `openReader` returns in place of opening `input`.
  var apiReader: APIListReader?
  /// The reader `openReader` opened for CSV input, whose delimiter a missing-column error
  /// names.
  private var csvReader: CSVReader?
  /// Adds counts that only the caller has, such as API requests, before the step is reported.
  var beforeFinishing: ((inout StepReport) -> Void)?
  /// The CSV writer of an export without `map`, whose columns can grow past the schema's.
  private(set) var csvExportWriter: CSVRecordWriter?
  /// The expanded path of the output file, once `openWriter` opened it.
  private(set) var outputPath: String?
  private var keysSized = false

  init(
    step: Step, input: FileInput, options: RunOptions, run: RunIdentity, observer: RunObserver?,
    jobFile: String
  ) {
    self.step = step
    self.jobFile = jobFile
    self.input = input
    self.options = options
    self.run = run
    self.observer = observer
    self.report = StepReport(name: step.name)
    self.mapper = Mapper(mappings: step.map)
    // An update sends only the mapped fields, so a required field may be left out.
    self.validator = step.schema.map { Validator(schema: $0, partial: step.isUpdateOnly) }
  }

  func execute() throws(RunAbort) -> StepReport {
    let started = monotonicSeconds()
    observer?.stepStarted(step.name, dryRun: options.dryRun)
    let reader = try openReader()
    report.input = input.displayPath
    var writer: RecordWriter?
    var rejects: RejectsWriter?
    if !options.dryRun {
      writer = try openWriter()
      rejects = RejectsWriter(path: step.rejectsPath)
    }
    do throws(RunAbort) {
      if let writer = writer as? JSONLinesRecordWriter, canProcessInParallel {
        try processInParallel(reader, writer: writer, rejects: rejects, started: started)
      } else {
        try process(reader, writer: writer, rejects: rejects, started: started)
        try finish(
          reader.statistics, columnNames: reader.columnNames,
          unknownFields: validator?.unknownFields ?? [], writer: writer, rejects: rejects)
      }
    } catch {
      writer?.discard()
      rejects?.discard()
      // The output file was dropped, so none of its records count as written.
      report.written = 0
      report.seconds = monotonicSeconds() - started
      throw error
    }
    report.seconds = monotonicSeconds() - started
    beforeFinishing?(&report)
    observer?.stepFinished(report)
    return report
  }

  func openReader() throws(RunAbort) -> RecordReader {
    if let apiReader { return apiReader }
    let source: ByteSource
    do {
      source = try FileByteSource(path: input.path)
    } catch {
      throw .failure("\(input.displayPath): \(error.message)")
    }
    switch input.format {
    case .csv:
      let reader = CSVReader(source: source, path: input.displayPath, options: input.csv)
      csvReader = reader
      return reader
    case .jsonl:
      return JSONLinesReader(
        source: source, path: input.displayPath, encoding: input.encoding,
        lineSizeLimit: input.csv.fieldSizeLimit)
    case .xml:
      return XMLFeedReader(
        source: source, path: input.displayPath, options: input.xml, encoding: input.encoding,
        key: step.key)
    }
  }

  func openWriter() throws(RunAbort) -> RecordWriter? {
    guard case .file(let target) = step.output else { return nil }
    let path = PathTemplate.expand(target.pathTemplate, step: step.name, run: run)
    report.output = PathTemplate.expand(target.displayPath, step: step.name, run: run)
    outputPath = path
    do {
      let file = try OutputFile(path: path)
      switch target.format {
      case .csv:
        if case .api(let source) = step.input, mapper.outputNames == nil {
          // An export without `map`: the columns of the resource's schema, in its order, and a
          // column of its own for any other field the API sends.
          let writer = try CSVRecordWriter(
            file: file, delimiter: target.delimiter, excelSafe: target.excelSafe,
            expectedColumns: SandboxResource(rawValue: source.resource)?.fieldNames ?? [],
            growingColumns: true)
          csvExportWriter = writer
          return writer
        }
        let columns = mapper.outputNames.map { validator?.completedNames($0) ?? $0 }
        return try CSVRecordWriter(
          file: file, delimiter: target.delimiter, excelSafe: target.excelSafe,
          expectedColumns: columns)
      case .xml:
        return XMLFeedRecordWriter(file: file)
      default:
        return JSONLinesRecordWriter(file: file)
      }
    } catch {
      throw .failure(error.description)
    }
  }

  private func process(
    _ reader: RecordReader, writer: RecordWriter?, rejects: RejectsWriter?, started: Double
  ) throws(RunAbort) {
    var output = OutputRecord(
      names: validator?.completedNames(mapper.outputNames ?? []) ?? mapper.outputNames ?? [])
    var problems: [RecordProblem] = []
    var lastProgress = started
    // An API read waits on the network for its records, so it checks for Ctrl-C at each one.
    let checksEveryRecord = apiReader != nil
    // Whether each output field of a feed had a value in some record, so that a field whose
    // element the feed never has (a preset's names differ from the feed's) is reported.
    var filled: [String: Bool]? = input.format == .xml ? [:] : nil
    defer { if let filled { reportEmptyFields(filled) } }
    // Source fields of an API read's `map` that no record has yet, so that a name the API does
    // not send is reported even when `check` found no near match for it.
    var unseenSources: [String] =
      apiReader == nil
      ? []
      : Array(Set((step.map ?? []).flatMap(\.rule.sourceFields).map { Self.topName($0) })).sorted()
    defer { reportUnseenSources(unseenSources) }
    while true {
      if let limit = options.limit, report.read >= limit { break }
      if checksEveryRecord || report.read & 1023 == 0, Interruption.requested {
        throw .interrupted
      }
      if report.read & 1023 == 0 {
        lastProgress = reportProgress(reader.statistics, started: started, last: lastProgress)
      }
      let next: SourceRecord?
      do {
        next = try reader.next()
      } catch {
        if Interruption.requested { throw .interrupted }
        throw .failure(error.description)
      }
      guard let record = next else { break }
      report.read += 1
      if !unseenSources.isEmpty, case .object(let object) = record.content {
        unseenSources.removeAll { object[$0] != nil }
      }
      problems.removeAll(keepingCapacity: true)
      problems += record.problems
      if problems.isEmpty {
        try mapAndCheck(record, into: &output, problems: &problems)
        if filled != nil {
          for (name, value) in zip(output.names, output.values) {
            if let value, value != .null {
              filled![name] = true
            } else if filled![name] == nil {
              filled![name] = false
            }
          }
        }
      }
      if problems.isEmpty, let writer {
        do {
          if let problem = try writer.write(output) { problems.append(problem) }
        } catch {
          throw .failure(error.description)
        }
      }
      if problems.isEmpty {
        report.valid += 1
        if writer != nil { report.written += 1 } else { collectExample(output) }
      } else {
        try reject(record, problems: problems, into: rejects)
      }
    }
    // A signal during the last records still discards the files, as exit status 130 promises.
    if Interruption.requested { throw .interrupted }
  }

  /// Returns the first part of a dotted source path, the field of the record it starts at.
  private static func topName(_ path: String) -> String {
    String(path.split(separator: ".", omittingEmptySubsequences: false).first ?? "")
  }

  /// Warns about each source field of an API read's `map` that no record had.
  private func reportUnseenSources(_ names: [String]) {
    guard let source = apiReader?.resource else { return }
    let records = report.read == 1 ? "the 1 record" : "the \(grouped(report.read)) records"
    warn(about: names, at: "step '\(step.name)'") { name in
      "field '\(name)' came in none of \(records) read; check the name against the API's "
        + "fields of \(source)"
    }
  }

  /// Warns about each output field that was empty in every record read.
  private func reportEmptyFields(_ filled: [String: Bool]) {
    let records = report.read == 1 ? "the 1 record" : "all \(grouped(report.read)) records"
    warn(about: filled.filter { !$0.value }.map(\.key).sorted(), at: input.displayPath) { name in
      "field '\(name)' is empty in \(records) read; check that the feed has the element it "
        + "reads (each preset reads the elements the README lists)"
    }
  }

  /// Adds the note about each field to the report and prints it as a warning after `place`,
  /// once some record was read.
  private func warn(about names: [String], at place: String, note: (String) -> String) {
    guard report.read > 0 else { return }
    for name in names {
      let text = note(name)
      report.notes.append(text)
      observer?.warning("\(place): \(text)")
    }
  }

  func mapAndCheck(
    _ record: SourceRecord, into output: inout OutputRecord, problems: inout [RecordProblem]
  ) throws(RunAbort) {
    // One switch, so the cells are not copied out of the record once per stage.
    switch record.content {
    case .cells(let cells):
      try bind(cells.header)
      mapper.mapCells(cells, into: &output, problems: &problems)
    case .object(let object):
      mapper.mapObject(object, into: &output, problems: &problems)
    case .unparsed:
      output.reset()
    }
    if !step.key.isEmpty { checkKey(record, problems: &problems) }
    validator?.validate(&output, problems: &problems)
  }

  /// Finds the mapped and key columns in a CSV header; a missing one is a job file mistake.
  func bind(_ header: CSVHeader) throws(RunAbort) {
    do {
      try mapper.bind(header: header)
      if keyColumns == nil { keyColumns = try step.keyColumns(in: header) }
    } catch {
      let message = MissingColumnMessage(
        jobFile: jobFile, step: step.name, input: input.displayPath, columns: header.names,
        delimiter: csvReader?.delimiter ?? input.csv.delimiter ?? UInt8(ascii: ","),
        delimiterIsSet: input.csv.delimiter != nil)
      throw .jobFile(message.text(for: error))
    }
  }

  /// Builds the record's key from the `key:` fields and rejects a repeat of an earlier one.
  private func checkKey(_ record: SourceRecord, problems: inout [RecordProblem]) {
    keyBytes.removeAll(keepingCapacity: true)
    var empty = true
    switch record.content {
    case .cells(let cells):
      cells.bytes.withUnsafeBytes { buffer in
        for (position, column) in (keyColumns ?? []).enumerated() {
          if position > 0 { keyBytes.append(0x1F) }
          guard column < cells.count else { continue }
          let part = ValueConversion.asciiTrimmed(
            UnsafeRawBufferPointer(rebasing: buffer[cells.range(column)]))
          if !part.isEmpty { empty = false }
          keyBytes.append(contentsOf: part)
        }
      }
    case .object(let object):
      for (position, name) in step.key.enumerated() {
        if position > 0 { keyBytes.append(0x1F) }
        let part = TextTrim.trim(Mapper.text(of: object[name]))
        if !part.isEmpty { empty = false }
        keyBytes.append(contentsOf: part.utf8)
      }
    case .unparsed:
      return
    }
    checkKeyBytes(empty: empty, line: record.line, problems: &problems)
  }

  /// Builds the key of a row handed over by the parallel reader and checks it.
  func checkKey(row: RowView, line: Int, problems: inout [RecordProblem]) {
    keyBytes.removeAll(keepingCapacity: true)
    var empty = true
    for (position, column) in (keyColumns ?? []).enumerated() {
      if position > 0 { keyBytes.append(0x1F) }
      let part = ValueConversion.asciiTrimmed(row.cell(column))
      if !part.isEmpty { empty = false }
      keyBytes.append(contentsOf: part)
    }
    checkKeyBytes(empty: empty, line: line, problems: &problems)
  }

  /// Rejects an empty key, or one already seen, naming the line where it was first seen.
  private func checkKeyBytes(empty: Bool, line: Int, problems: inout [RecordProblem]) {
    let keyName = step.key.joined(separator: " + ")
    if empty {
      problems.append(
        RecordProblem(field: keyName, rule: "key", message: "the key (\(keyName)) is empty"))
      return
    }
    let earlier = keyBytes.withUnsafeBytes { keys.insert($0, line: line) }
    if let earlier {
      problems.append(
        RecordProblem(
          field: keyName, rule: "duplicate_key",
          message: "the key (\(keyName)) repeats the record on line \(earlier)"))
    }
  }

  func reject(
    _ record: SourceRecord, problems: [RecordProblem], into rejects: RejectsWriter?
  ) throws(RunAbort) {
    report.rejected += 1
    if problemLines < options.maxProblemLines {
      problemLines += 1
      let messages = problems.map(\.message).joined(separator: "; ")
      observer?.warning("\(input.displayPath):\(record.line): rejected: \(messages)")
    }
    do {
      try rejects?.add(record, problems: problems)
    } catch {
      throw .failure(error.description)
    }
  }

  private func collectExample(_ output: OutputRecord) {
    guard report.examples.count < 3 else { return }
    var bytes: [UInt8] = []
    JSONWriter.appendValue(.object(output.jsonObject()), to: &bytes)
    report.examples.append(String(decoding: bytes, as: UTF8.self))
  }

  func reportProgress(_ statistics: ReaderStatistics, started: Double, last: Double) -> Double {
    let now = monotonicSeconds()
    if !keysSized && !step.key.isEmpty && report.read >= 10_000, let total = statistics.totalBytes {
      // Size the key table once for the whole file, so it never doubles near the end.
      keysSized = true
      let parsed = statistics.bytesParsed > 0 ? statistics.bytesParsed : statistics.bytesRead
      let bytesPerRecord = max(1, parsed / report.read)
      keys.expect(total / bytesPerRecord + total / bytesPerRecord / 16)
    }
    guard now - last >= 0.2 else { return last }
    // The bytes parsed, not the bytes read ahead: a small file is read whole at once, so its
    // share read shows nothing while a step that writes to the API goes through its records.
    let done = statistics.bytesParsed > 0 ? statistics.bytesParsed : statistics.bytesRead
    observer?.progress(
      StepProgress(
        step: step.name, records: report.read, bytesRead: done,
        totalBytes: statistics.totalBytes, seconds: now - started))
    return now
  }

  func finish(
    _ statistics: ReaderStatistics, columnNames: [String]?, unknownFields: [String],
    writer: RecordWriter?, rejects: RejectsWriter?
  ) throws(RunAbort) {
    // A CSV file with a header and no rows must still have every mapped column.
    if report.read == 0, let names = columnNames { try bind(CSVHeader(names: names)) }
    report.blankSkipped = statistics.blankSkipped
    report.encoding = statistics.encoding.rawValue
    report.notes += statistics.notes
    for note in statistics.notes { observer?.warning("\(input.displayPath): \(note)") }
    if report.read == 0 && statistics.bytesRead == 0 && options.limit != 0 && apiReader == nil {
      let note = "the input is empty, so the step wrote no records"
      report.notes.append(note)
      observer?.warning("\(input.displayPath): \(note)")
    }
    if report.rejected > problemLines {
      observer?.warning(
        "\(input.displayPath): \(report.rejected - problemLines) more rejected records are not "
          + "listed here; see \(step.rejectsPath)")
    }
    for field in unknownFields {
      let note =
        "output field '\(field)' is not part of \(validator!.schema.name); it is written as is"
      report.notes.append(note)
      observer?.warning("step '\(step.name)': \(note)")
    }
    do {
      try writer?.commit()
      try rejects?.commit()
    } catch {
      throw .failure(error.description)
    }
    if rejects != nil && report.rejected > 0 { report.rejectsFile = step.rejectsPath }
  }
}
