/// Splits UTF-8 text into rows of cells: RFC 4180 quoting with line breaks inside quoted fields,
/// and `\r\n`, `\n` or a lone `\r` ending a row. It works on bytes and resumes across chunk
/// boundaries, so the input may arrive in pieces of any size.
final class CSVParser {
  private enum State {
    case rowStart, fieldStart, unquoted, quoted, quoteInQuoted
    /// Spaces or tabs after a closing quote, as padded exports write them; they are dropped.
    case paddingAfterQuote
  }

  private static let lineFeed = UInt8(ascii: "\n")
  private static let carriageReturn = UInt8(ascii: "\r")
  private static let space = UInt8(ascii: " ")
  private static let tab = UInt8(ascii: "\t")

  /// The cells of the row last returned by `nextRow()`, back to back.
  private(set) var cells: [UInt8] = []
  /// The row being parsed; copied into `cells` in one piece when the row ends.
  private var building: ByteBuffer
  private let ownBuffer = ByteBuffer(capacity: 4096)
  /// The offset of the current row in `building`, which can be a batch with earlier rows in it.
  private(set) var rowStart = 0
  /// The end of each cell of the current row, relative to `rowStart`.
  let cellEnds = IntBuffer(capacity: 64)
  /// The line where the row last returned starts.
  private(set) var rowLine = 1
  private(set) var problems: [RecordProblem] = []

  private let stream: UTF8Stream
  private let path: String
  private var delimiter: UInt8
  private let quote: UInt8
  private let lenientQuotes: Bool
  private let fieldSizeLimit: Int
  /// Bytes that end a run inside an unquoted field, and inside a quoted one.
  private let unquotedStops: UnsafeMutablePointer<Bool>
  private let quotedStops: UnsafeMutablePointer<Bool>

  /// Bytes read ahead for sniffing, parsed before the rest of the stream.
  private var prefix: ByteBuffer?
  private var prefixInUse: ByteBuffer?
  private var prefixSkip = 0
  private var chunk = UnsafeRawBufferPointer(start: nil, count: 0)
  private var position = 0
  /// Offset of the current chunk's first byte in the decoded text.
  private var chunkOffset = 0
  private var state = State.rowStart
  private var line = 1
  private var skipLineFeed = false
  /// The line where the last quoted field opened, which can lie below `rowLine`.
  private var quotedFieldLine = 1
  private var previousWasCarriageReturn = false
  private var cellStart = 0
  private var lineStartOffset = 0
  /// Characters of the current line that lie in earlier chunks, for error columns.
  private var charactersBeforeChunk = 0
  private var finished = false
  /// Spaces and tabs seen after a closing quote, put back if text follows them.
  private var padding: [UInt8] = []

  init(stream: UTF8Stream, path: String, options: CSVOptions, delimiter: UInt8, prefix: ByteBuffer?)
  {
    building = ownBuffer
    self.stream = stream
    self.path = path
    self.delimiter = delimiter
    self.quote = options.quote
    self.lenientQuotes = options.lenientQuotes
    self.fieldSizeLimit = options.fieldSizeLimit
    self.prefix = prefix
    unquotedStops = .allocate(capacity: 256)
    quotedStops = .allocate(capacity: 256)
    unquotedStops.initialize(repeating: false, count: 256)
    quotedStops.initialize(repeating: false, count: 256)
    for byte in [delimiter, quote, Self.lineFeed, Self.carriageReturn] {
      unquotedStops[Int(byte)] = true
    }
    for byte in [quote, Self.lineFeed, Self.carriageReturn] {
      quotedStops[Int(byte)] = true
    }
    cells.reserveCapacity(4096)
  }

  deinit {
    unquotedStops.deallocate()
    quotedStops.deallocate()
  }

  /// A copy of `cellEnds`, for the paths that keep it beyond the next row.
  var ends: [Int] { cellEnds.elements }

  /// Decoded bytes parsed so far, for estimating how many rows the file holds.
  var parsedBytes: Int { chunkOffset + position }

  /// Skips the first line of the read-ahead bytes (an Excel `sep=` line), `byteCount` bytes
  /// long with its line break.
  func skipFirstLine(byteCount: Int) {
    prefixSkip = byteCount
    line = 2
    lineStartOffset = byteCount
  }

  /// Parses the next row into `rowBytes` and `cellEnds`; returns false at the end of the input.
  /// `cells` follows only after `publishRow()`, so a caller that copies the row elsewhere
  /// does not pay for a second copy.
  func nextRow() throws(ReaderFailure) -> Bool {
    if building === ownBuffer { building.removeAll() }
    rowStart = building.count
    cellEnds.removeAll()
    if !problems.isEmpty { problems.removeAll(keepingCapacity: true) }
    cellStart = 0
    state = .rowStart
    rowLine = line
    while true {
      if position >= chunk.count {
        let loaded = finished ? false : try loadChunk()
        if !loaded {
          finished = true
          return try finishAtEnd()
        }
      }
      if try parseChunk() { return true }
    }
  }

  /// The cells of the row just parsed, back to back, valid until the next `nextRow()`.
  var rowBytes: UnsafeRawBufferPointer { building.bytes(rowStart..<building.count) }

  /// Parses the following rows onto the end of `target` (nil: the parser's own buffer), so a
  /// batch can collect rows without copying them again.
  func parse(into target: ByteBuffer?) {
    building = target ?? ownBuffer
  }

  /// Drops the row just parsed from the buffer it went into (a header or blank row).
  func discardRow() {
    building.removeLast(building.count - rowStart)
  }

  /// Copies the row just parsed into `cells`.
  func publishRow() {
    cells.removeAll(keepingCapacity: true)
    cells.append(
      contentsOf: UnsafeBufferPointer(
        start: building.storage + rowStart, count: building.count - rowStart))
  }

  private func loadChunk() throws(ReaderFailure) -> Bool {
    rememberLineStartBeforeSwitch()
    chunkOffset += chunk.count
    position = 0
    if let pending = prefix {
      prefix = nil
      prefixInUse = pending
      chunk = pending.bytes(0..<pending.count)
      position = min(prefixSkip, chunk.count)
      if position < chunk.count { return true }
    }
    prefixInUse = nil
    chunk = try stream.nextChunk()
    return chunk.count > 0
  }

  private func rememberLineStartBeforeSwitch() {
    let startInChunk = lineStartOffset - chunkOffset
    if startInChunk >= chunk.count { return }
    if startInChunk >= 0 {
      charactersBeforeChunk = Self.countCharacters(chunk, from: startInChunk, to: chunk.count)
    } else {
      charactersBeforeChunk += Self.countCharacters(chunk, from: 0, to: chunk.count)
    }
  }

  private static func countCharacters(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int) -> Int {
    var count = 0
    for index in from..<to where bytes[index] & 0xC0 != 0x80 { count += 1 }
    return count
  }

  /// Returns the 1-based character column of chunk byte `index`.
  private func column(at index: Int) -> Int {
    let startInChunk = lineStartOffset - chunkOffset
    if startInChunk >= 0 {
      return Self.countCharacters(chunk, from: startInChunk, to: index) + 1
    }
    return charactersBeforeChunk + Self.countCharacters(chunk, from: 0, to: index) + 1
  }

  /// The last line that has any text. After a final line break the line count is one past it.
  private var lastLineWithText: Int {
    guard building.count > 0 else { return line }
    let last = building.storage[building.count - 1]
    return last == Self.lineFeed || last == Self.carriageReturn ? line - 1 : line
  }

  private func finishAtEnd() throws(ReaderFailure) -> Bool {
    switch state {
    case .rowStart:
      return false
    case .quoted:
      problems.append(
        RecordProblem(
          field: nil, rule: "csv_quote",
          message: "the quoted field that starts on line \(quotedFieldLine) is never closed, so it "
            + "takes in everything up to the end of the input (line \(lastLineWithText))"))
      try endCell(building)
    case .fieldStart, .unquoted, .quoteInQuoted, .paddingAfterQuote:
      try endCell(building)
    }
    state = .rowStart
    return true
  }

  @inline(__always)
  private func endCell(_ output: ByteBuffer) throws(ReaderFailure) {
    let end = output.count - rowStart
    if end - (cellEnds.last ?? 0) > fieldSizeLimit { try checkFieldSize(output) }
    cellEnds.append(end)
  }

  private func checkFieldSize(_ output: ByteBuffer) throws(ReaderFailure) {
    let start = rowStart + (cellEnds.last ?? 0)
    if output.count - start > fieldSizeLimit {
      throw ReaderFailure(
        SourceLocation(file: path, line: rowLine),
        "a field of the row that starts here is larger than the field size limit of "
          + "\(fieldSizeLimit) bytes; this usually means a quote is never closed. Raise "
          + "`field_size_limit` if the field is really that large")
    }
  }

  private func newLine(at index: Int) {
    line += 1
    lineStartOffset = chunkOffset + index + 1
  }

  /// Parses from `position`; returns true when a row is complete.
  private func parseChunk() throws(ReaderFailure) -> Bool {
    guard let base = chunk.baseAddress else { return false }
    let bytes = base.assumingMemoryBound(to: UInt8.self)
    let end = chunk.count
    var index = position
    // Locals, so the loop does not reload them from the object after every store.
    var current = state
    let unquotedStops = self.unquotedStops
    let quotedStops = self.quotedStops
    let delimiter = self.delimiter
    let quote = self.quote
    let output = building
    defer {
      position = index
      state = current
    }
    while index < end {
      switch current {
      case .rowStart:
        if skipLineFeed {
          skipLineFeed = false
          if bytes[index] == Self.lineFeed {
            index += 1
            lineStartOffset = chunkOffset + index
            continue
          }
        }
        current = .fieldStart
      case .fieldStart:
        if bytes[index] == quote {
          current = .quoted
          quotedFieldLine = line
          previousWasCarriageReturn = false
          index += 1
        } else {
          current = .unquoted
        }
      case .unquoted:
        var stop = index
        // Four bytes a round while they fit, which saves three bounds checks of four.
        while stop + 4 <= end {
          if unquotedStops[Int(bytes[stop])] { break }
          if unquotedStops[Int(bytes[stop + 1])] {
            stop += 1
            break
          }
          if unquotedStops[Int(bytes[stop + 2])] {
            stop += 2
            break
          }
          if unquotedStops[Int(bytes[stop + 3])] {
            stop += 3
            break
          }
          stop += 4
        }
        while stop < end && !unquotedStops[Int(bytes[stop])] { stop += 1 }
        output.append(base + index, count: stop - index)
        index = stop
        if stop == end {
          try checkFieldSize(output)
          return false
        }
        let byte = bytes[stop]
        index += 1
        if byte == delimiter {
          try endCell(output)
          // Most fields are unquoted, so the next one goes straight to the scan above unless
          // it opens with a quote or the chunk ends.
          if index < end && bytes[index] != quote { continue }
          current = .fieldStart
        } else if byte == Self.lineFeed || byte == Self.carriageReturn {
          try endCell(output)
          newLine(at: stop)
          skipLineFeed = byte == Self.carriageReturn
          current = .rowStart
          return true
        } else {
          strayQuote(at: stop, base)
        }
      case .quoted:
        var stop = index
        while stop < end && !quotedStops[Int(bytes[stop])] { stop += 1 }
        if stop > index { previousWasCarriageReturn = false }
        output.append(base + index, count: stop - index)
        index = stop
        if stop == end {
          try checkFieldSize(output)
          return false
        }
        let byte = bytes[stop]
        index += 1
        if byte == quote {
          current = .quoteInQuoted
        } else {
          output.append(byte)
          if byte == Self.carriageReturn || !previousWasCarriageReturn { newLine(at: stop) }
          if byte == Self.lineFeed { lineStartOffset = chunkOffset + stop + 1 }
          previousWasCarriageReturn = byte == Self.carriageReturn
        }
      case .quoteInQuoted, .paddingAfterQuote:
        let byte = bytes[index]
        if (byte == Self.space || byte == Self.tab) && byte != delimiter {
          if current == .quoteInQuoted { padding.removeAll(keepingCapacity: true) }
          padding.append(byte)
          current = .paddingAfterQuote
          index += 1
        } else if byte == quote && current == .quoteInQuoted {
          output.append(quote)
          current = .quoted
          previousWasCarriageReturn = false
          index += 1
        } else if byte == delimiter {
          try endCell(output)
          current = .fieldStart
          index += 1
        } else if byte == Self.lineFeed || byte == Self.carriageReturn {
          try endCell(output)
          newLine(at: index)
          skipLineFeed = byte == Self.carriageReturn
          current = .rowStart
          index += 1
          return true
        } else {
          // Text after the padding: the padding was part of the text after all.
          let paddingLength = current == .paddingAfterQuote ? padding.count : 0
          for space in padding.prefix(paddingLength) { output.append(space) }
          textAfterClosingQuote(at: index, backBy: paddingLength)
          current = .unquoted
        }
      }
    }
    return false
  }

  private func strayQuote(at index: Int, _ base: UnsafeRawPointer) {
    building.append(quote)
    if lenientQuotes { return }
    problems.append(
      RecordProblem(
        field: nil, rule: "csv_quote",
        message: "line \(line), column \(column(at: index)): a quote inside a field that does not "
          + "start with a quote; quote the whole field and double the inner quote, or set "
          + "`lenient_quotes: true`"))
  }

  private func textAfterClosingQuote(at index: Int, backBy padding: Int) {
    if lenientQuotes { return }
    problems.append(
      RecordProblem(
        field: nil, rule: "csv_quote",
        message:
          "line \(line), column \(column(at: index) - padding): text after the closing quote of a "
          + "field; a field is either wholly quoted or not quoted, or set `lenient_quotes: true`"))
  }
}
