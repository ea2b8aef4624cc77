/// Reads JSON Lines: one JSON object per line. Lines end at the byte 0x0A only (never at U+2028,
/// U+2029 or U+0085), one `\r` before it is dropped, a byte order mark is allowed on line 1, and
/// blank lines are skipped and counted.
public final class JSONLinesReader: RecordReader {
  private let stream: UTF8Stream
  private let path: String
  private let lineSizeLimit: Int
  private var chunk = UnsafeRawBufferPointer(start: nil, count: 0)
  private var position = 0
  private var pending: [UInt8] = []
  private var line = 0
  private var recordCount = 0
  private var blankSkipped = 0
  private var finished = false
  /// The failure that stopped the read, thrown again by every later call.
  private var failure: ReaderFailure?

  public var columnNames: [String]? { nil }

  public var statistics: ReaderStatistics {
    var statistics = ReaderStatistics()
    statistics.blankSkipped = blankSkipped
    statistics.bytesRead = stream.rawBytesRead
    statistics.totalBytes = stream.totalBytes
    statistics.encoding = stream.detectedEncoding
    statistics.notes = stream.notes.map(\.message)
    return statistics
  }

  /// The byte order mark is dropped by the decoding stream, so only line 1 can ever start
  /// without one; a mark on a later line reaches the JSON parser and is rejected there.
  public init(source: ByteSource, path: String, encoding: TextEncoding, lineSizeLimit: Int = 16 << 20) {
    self.stream = UTF8Stream(source: source, path: path, encoding: encoding)
    self.path = path
    self.lineSizeLimit = lineSizeLimit
  }

  public func next() throws(ReaderFailure) -> SourceRecord? {
    if let failure { throw failure }
    do {
      while true {
        guard let lineBytes = try nextLine() else { return nil }
        if let record = parse(lineBytes) { return record }
      }
    } catch {
      failure = error
      throw error
    }
  }

  /// Returns the next line without its line break; the bytes are valid until the next call.
  private func nextLine() throws(ReaderFailure) -> UnsafeRawBufferPointer? {
    pending.removeAll(keepingCapacity: true)
    while true {
      if position >= chunk.count {
        if finished { return nil }
        chunk = try stream.nextChunk()
        position = 0
        if chunk.isEmpty {
          finished = true
          if pending.isEmpty { return nil }
          line += 1
          return pending.withUnsafeBytes { $0 }
        }
      }
      let rest = UnsafeRawBufferPointer(rebasing: chunk[position...])
      if let found = rest.firstIndex(of: 0x0A) {
        if pending.count + found > lineSizeLimit { throw lineTooLong() }
        let start = position
        position += found + 1
        line += 1
        if pending.isEmpty {
          return UnsafeRawBufferPointer(rebasing: chunk[start..<(start + found)])
        }
        pending.append(contentsOf: rest[rest.startIndex..<(rest.startIndex + found)])
        return pending.withUnsafeBytes { $0 }
      }
      pending.append(contentsOf: rest)
      position = chunk.count
      if pending.count > lineSizeLimit { throw lineTooLong() }
    }
  }

  /// Returns the failure for a line longer than `lineSizeLimit`, which `line` does not count yet.
  private func lineTooLong() -> ReaderFailure {
    ReaderFailure(
      SourceLocation(file: path, line: line + 1),
      "the line is longer than the line size limit of \(lineSizeLimit) bytes; raise "
        + "`field_size_limit` if it is really that long")
  }

  private func parse(_ raw: UnsafeRawBufferPointer) -> SourceRecord? {
    var bytes = raw
    if let last = bytes.last, last == 0x0D {
      bytes = UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 1)])
    }
    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
      blankSkipped += 1
      return nil
    }
    recordCount += 1
    do {
      let value = try JSONParser.parse(bytes)
      guard case .object(let object) = value else {
        return rejected(bytes, rule: "not_a_record",
          "line \(line) is a JSON \(Self.kind(of: value)), not a record; each line must be a JSON object")
      }
      return SourceRecord(line: line, number: recordCount, content: .object(object))
    } catch {
      return rejected(bytes, rule: "json",
        "line \(line), column \(Self.column(of: error.offset, in: bytes)): invalid JSON: \(error.message)")
    }
  }

  private func rejected(_ bytes: UnsafeRawBufferPointer, rule: String, _ message: String) -> SourceRecord {
    SourceRecord(
      line: line, number: recordCount,
      content: .unparsed(String(decoding: bytes, as: UTF8.self)),
      problems: [RecordProblem(field: nil, rule: rule, message: message)])
  }

  /// Returns the 1-based character column of a byte offset within the line.
  private static func column(of offset: Int, in bytes: UnsafeRawBufferPointer) -> Int {
    var count = 1
    for index in 0..<min(offset, bytes.count) where bytes[index] & 0xC0 != 0x80 { count += 1 }
    return count
  }

  private static func kind(of value: JSONValue) -> String {
    switch value {
    case .null: "null"
    case .bool: "boolean"
    case .number: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
  }
}
