import CLibXML2

/// The engine of `XMLFeedReader`: pulls records out of libxml2's `xmlTextReader` on the calling
/// thread. Each record element is expanded, its fields are read, and the reader frees it when
/// it moves on, so memory stays flat however large the feed is.
final class XMLRecordStream: RecordReader {
  /// The call that was running when libxml2 failed, which decides what is still in its tree.
  enum Call {
    case read
    case expand
    /// Moving past the record returned last, which is still in the tree.
    case next(after: xmlNodePtr)
  }

  private let path: String
  private let options: XMLReaderOptions
  private let stepKey: [String]
  private let pipe: XMLInputPipe
  private let errors = XMLErrorLog()
  private var handle: XMLTextReaderHandle?
  private var plan: XMLReadPlan?
  private var fieldsByNamespace: [String: XMLRecordFields] = [:]
  private var ancestors: [xmlNodePtr] = []
  private var lastRecord: xmlNodePtr?
  private var moveToNextSibling = false
  private var started = false
  private var finished = false
  private var recordCount = 0
  /// Records completed before a fatal error, returned before `failure` is thrown; their text
  /// is in `salvageArena`.
  private var salvaged: [XMLRawRecord] = []
  private let salvageArena = ByteBuffer(capacity: 1024)
  /// The arena of the records that `next()` returns.
  private let arena = ByteBuffer(capacity: 64 * 1024)
  /// The failure that stopped the read, thrown again by every later call.
  private var failure: ReaderFailure?
  private var pendingFailure: ReaderFailure?
  /// How many of `errors` have been looked at.
  private var errorsSeen = 0
  private var warnings: [String] = []
  private var warningCount = 0
  private var rootElement: String?

  var columnNames: [String]? { nil }

  init(
    source: ByteSource, path: String, options: XMLReaderOptions, encoding: TextEncoding = .auto,
    key: [String] = []
  ) {
    self.path = path
    self.options = options
    self.stepKey = key
    pipe = XMLInputPipe(
      source: source, path: path, encoding: encoding, htmlEntities: options.htmlEntities,
      stripControlCharacters: options.stripControlCharacters)
  }

  /// The bytes libxml2 has consumed so far.
  var bytesParsed: Int {
    handle.map { Int(xmlTextReaderByteConsumed($0.pointer)) } ?? 0
  }

  var statistics: ReaderStatistics {
    var statistics = ReaderStatistics()
    statistics.bytesRead = pipe.rawBytesRead
    statistics.bytesParsed = bytesParsed
    statistics.totalBytes = pipe.totalBytes
    statistics.encoding = detectedEncoding()
    statistics.notes = pipe.notes + warnings
    if warningCount > warnings.count {
      statistics.notes.append("libxml2 reported \(warningCount - warnings.count) more warnings")
    }
    if finished && failure == nil && recordCount == 0, let plan, let rootElement {
      statistics.notes.append(
        "no element matched `record: \(plan.record)`; the root element is \(rootElement)"
          + Self.namespaceHint(rootElement))
    }
    return statistics
  }

  func next() throws(ReaderFailure) -> SourceRecord? {
    arena.removeAll()
    return try nextRaw(into: arena)?.sourceRecord(arena: arena)
  }

  /// Returns the next record with its text appended to `arena`; nil at the end.
  func nextRaw(into arena: ByteBuffer) throws(ReaderFailure) -> XMLRawRecord? {
    if let failure { throw failure }
    if !salvaged.isEmpty { return salvaged.removeFirst().moved(from: salvageArena, to: arena) }
    if let pendingFailure {
      failure = pendingFailure
      throw pendingFailure
    }
    if finished { return nil }
    do {
      return try nextRecord(into: arena)
    } catch {
      failure = error
      throw error
    }
  }

  private func nextRecord(into arena: ByteBuffer) throws(ReaderFailure) -> XMLRawRecord? {
    guard let reader = try start() else {
      finished = true
      return nil
    }
    while true {
      let call: Call
      let status: Int32
      if moveToNextSibling, let record = lastRecord {
        call = .next(after: record)
        status = xmlTextReaderNext(reader.pointer)
        lastRecord = nil
      } else if moveToNextSibling {
        call = .read
        status = xmlTextReaderNext(reader.pointer)
      } else {
        call = .read
        status = xmlTextReaderRead(reader.pointer)
      }
      moveToNextSibling = false
      if status < 0 || errors.errors.count > errorsSeen {
        if let stop = try checkErrors(failed: status < 0, during: call) {
          return stop.moved(from: salvageArena, to: arena)
        }
      }
      if status == 0 {
        finished = true
        return nil
      }
      guard xmlTextReaderNodeType(reader.pointer) == Int32(XML_READER_TYPE_ELEMENT.rawValue),
        let node = xmlTextReaderCurrentNode(reader.pointer)
      else { continue }
      let depth = Int(xmlTextReaderDepth(reader.pointer))
      if depth == 0 && rootElement == nil { rootElement = XMLName.describe(node) }
      if ancestors.count > depth { ancestors.removeLast(ancestors.count - depth) }
      switch plan!.record.decide(node, depth: depth, ancestors: ancestors) {
      case .skip:
        moveToNextSibling = true
      case .descend:
        if !plan!.record.hasFixedDepth { ancestors.append(node) }
      case .record:
        guard xmlTextReaderExpand(reader.pointer) != nil else {
          if let stop = try checkErrors(failed: true, during: .expand) {
            return stop.moved(from: salvageArena, to: arena)
          }
          continue
        }
        moveToNextSibling = true
        lastRecord = node
        recordCount += 1
        return try makeRecord(node, number: recordCount, arena: arena)
      }
    }
  }

  /// Resolves the options and opens libxml2's reader on the first call; nil for an input that
  /// is empty or only white space.
  private func start() throws(ReaderFailure) -> XMLTextReaderHandle? {
    if let handle { return handle }
    if started { return nil }
    started = true
    do {
      let plan = try options.plan()
      self.plan = plan
      fieldsByNamespace[""] = try plan.makeFields(forNamespace: "")
    } catch {
      throw ReaderFailure(SourceLocation(file: path), error.message)
    }
    guard try pipe.prime() else { return nil }
    var flags = LibXML2.safeOptions
    if options.huge { flags |= Int32(XML_PARSE_HUGE.rawValue) }
    if pipe.libxmlEncoding != nil { flags |= Int32(XML_PARSE_IGNORE_ENC.rawValue) }
    guard
      let created = XMLTextReaderHandle(
        read: XMLInputPipe.callback, context: pipe.context, url: path,
        encoding: pipe.libxmlEncoding, options: flags, errors: errors)
    else {
      if let failure = pipe.failure { throw failure }
      throw ReaderFailure(
        SourceLocation(file: path),
        "libxml2 could not start reading: \(errors.errors.first?.message ?? "out of memory")")
    }
    handle = created
    return created
  }

  /// Builds the record for an expanded record element, with its text in `arena`.
  private func makeRecord(
    _ node: xmlNodePtr, number: Int, arena: ByteBuffer
  ) throws(ReaderFailure) -> XMLRawRecord {
    let line = XMLNodeText.startLine(of: node)
    let fields = try recordFields(for: node, line: line)
    let start = arena.count
    let collected: (keys: [String], values: [XMLRawValue])
    do {
      collected = try fields.collect(node, into: arena)
    } catch {
      arena.removeLast(arena.count - start)
      throw ReaderFailure(
        SourceLocation(file: path, line: line),
        "\(error.message), in record \(number) (\(XMLName.describe(node)) from line \(line))")
    }
    var record = XMLRawRecord(
      line: line, number: number, keys: collected.keys, values: collected.values, problems: [])
    if !stepKey.isEmpty
      && stepKey.allSatisfy({ TextTrim.trim(record.text(of: $0, arena: arena) ?? "").isEmpty })
    {
      let keyName = stepKey.joined(separator: " + ")
      record.problems.append(
        RecordProblem(
          field: keyName, rule: "key",
          message: "the key (\(keyName)) is empty in this \(XMLName.describe(node))"))
    }
    return record
  }

  /// Returns the compiled fields for a record element, chosen by its namespace for presets
  /// that have several field sets.
  private func recordFields(for node: xmlNodePtr, line: Int) throws(ReaderFailure)
    -> XMLRecordFields
  {
    let namespace = node.pointee.ns?.pointee.href.map { String(cString: $0) } ?? ""
    let key = plan!.fieldsByNamespace[namespace] == nil ? "" : namespace
    if let fields = fieldsByNamespace[key] { return fields }
    do {
      let fields = try plan!.makeFields(forNamespace: key)
      fieldsByNamespace[key] = fields
      return fields
    } catch {
      throw ReaderFailure(SourceLocation(file: path, line: line), error.message)
    }
  }

  /// Looks at libxml2's new reports: warnings become notes; a fatal error, or any error when
  /// the call `failed`, stops the read. Returns the first salvaged record, nil to go on.
  private func checkErrors(failed: Bool, during call: Call) throws(ReaderFailure) -> XMLRawRecord? {
    var cause: XMLLibraryError?
    var openElement: xmlNodePtr?
    for (index, error) in errors.errors.enumerated().dropFirst(errorsSeen) where cause == nil {
      if error.level == .fatal || error.hasCode(XML_WAR_UNDECLARED_ENTITY)
        || (failed && error.level >= .error)
      {
        cause = error
        openElement = errors.openElements[index]
      } else {
        warningCount += 1
        if warnings.count < 3 { warnings.append(describeWarning(error)) }
      }
    }
    errorsSeen = errors.errors.count
    guard failed || cause != nil else { return nil }
    let stop = stopReading(cause: cause, openElement: openElement, during: call)
    salvaged = stop.records
    recordCount += stop.records.count
    if salvaged.isEmpty { throw stop.failure }
    pendingFailure = stop.failure
    return salvaged.removeFirst()
  }

  private func describeWarning(_ error: XMLLibraryError) -> String {
    var location = ""
    if let line = error.line {
      location = "line \(line)" + (error.column.map { ", column \($0)" } ?? "") + ": "
    }
    return "libxml2 warning at \(location)\(error.message)"
  }

  /// Decodes libxml2's encoding name for the report.
  private func detectedEncoding() -> TextEncoding {
    if let name = pipe.libxmlEncoding
      ?? handle.flatMap({
        xmlTextReaderConstEncoding($0.pointer).map { String(cString: $0) }
      })
    {
      return TextEncoding(name: name) ?? .utf8
    }
    return .utf8
  }

  private static func namespaceHint(_ element: String) -> String {
    guard element.hasPrefix("<{") else { return "" }
    return "; names without a prefix match elements in no namespace, so write {uri}name, "
      + "{*}name, or a prefix declared under `namespaces:`"
  }
}

extension XMLRecordStream {
  /// Everything known when the read stops: the failure to throw and the records to return first.
  struct Stop {
    var failure: ReaderFailure
    /// The records, with their text in `salvageArena`.
    var records: [XMLRawRecord]
  }

  /// Works out why the read stopped and which complete records libxml2 had parsed by then.
  fileprivate func stopReading(
    cause: XMLLibraryError?, openElement: xmlNodePtr?, during call: Call
  ) -> Stop {
    var walk = XMLTreeWalk(record: plan!.record)
    if let handle, let document = handle.documentAfterFailure() {
      if case .next(let record) = call { walk.alreadyReturned = record }
      if cause?.domain == Int32(XML_FROM_PARSER.rawValue) {
        walk.openElements = XMLTreeWalk.openElements(from: openElement)
      }
      walk.run(document)
    }
    var records: [XMLRawRecord] = []
    salvageArena.removeAll()
    for node in walk.complete {
      let number = recordCount + records.count + 1
      if let record = try? makeRecord(node, number: number, arena: salvageArena) {
        records.append(record)
      }
    }
    let returned = recordCount + records.count
    let failedRecord = walk.incomplete.map { (node: $0, number: returned + 1) }
    return Stop(
      failure: describeFailure(cause, in: failedRecord, after: returned), records: records)
  }

  private func describeFailure(
    _ cause: XMLLibraryError?, in record: (node: xmlNodePtr, number: Int)?, after returned: Int
  ) -> ReaderFailure {
    if let failure = pipe.failure { return failure }
    guard let cause else {
      return ReaderFailure(
        SourceLocation(file: path),
        "libxml2 stopped reading without giving a reason, after record \(returned)")
    }
    var message = cause.message
    if let record {
      message += ", in " + describe(record.node, number: record.number)
    } else if returned > 0 {
      message += ", after record \(returned)"
    } else {
      message += ", before the first record"
    }
    message += "; " + XMLFailureHint.text(for: cause, options: options)
    return ReaderFailure(
      SourceLocation(file: path, line: cause.line, column: cause.column), message)
  }

  /// Names a record for a message: its number, element, line and key.
  private func describe(_ node: xmlNodePtr, number: Int) -> String {
    let line = XMLNodeText.startLine(of: node)
    var text = "record \(number) (\(XMLName.describe(node)) from line \(line)"
    let keyNames = stepKey.isEmpty ? [plan?.keyField].compactMap { $0 } : stepKey
    if let fields = try? recordFields(for: node, line: line) {
      for name in keyNames {
        if let value = fields.text(of: name, in: node)?.trimmingSpaces(), !value.isEmpty {
          text += ", \(name) '\(value.count > 60 ? value.prefix(60) + "…" : Substring(value))'"
        }
      }
    }
    return text + ")"
  }
}
