/// A note about how an input was decoded, for the report.
public struct EncodingNote: Equatable, Sendable {
  /// The offset into the raw file of the byte the note is about.
  public var byteOffset: Int
  /// The 1-based line of that byte; nil when the input cannot be read again to count it.
  public var line: Int?
  public var message: String
}

/// Pulls raw bytes from a source and hands them on as UTF-8 in chunks: strips a UTF-8 byte order
/// mark, converts UTF-16 and single-byte encodings, and with `auto` falls back to Windows-1252
/// at the first invalid UTF-8 sequence.
public final class UTF8Stream {
  private enum Mode {
    case utf8(strict: Bool)
    case utf16(bigEndian: Bool)
    case singleByte(windows1252: Bool)
  }

  private let source: ByteSource
  private let path: String
  private let requested: TextEncoding
  private var mode: Mode = .utf8(strict: false)
  private let raw: UnsafeMutableRawBufferPointer
  /// Undecoded bytes from the previous read (a split sequence), at `raw[carryStart...]`.
  private var carryStart = 0
  private var carryCount = 0
  private var transcoded: [UInt8] = []
  private var started = false
  private var finished = false
  /// A high surrogate waiting for its pair at a chunk boundary.
  private var pendingHighSurrogate: UInt32?

  /// Raw bytes read from the source so far, for progress.
  public private(set) var rawBytesRead = 0
  public private(set) var notes: [EncodingNote] = []
  /// The encoding the input turned out to be in.
  public private(set) var detectedEncoding: TextEncoding = .utf8

  public var totalBytes: Int? { source.totalBytes }

  public init(source: ByteSource, path: String, encoding: TextEncoding, chunkSize: Int = 1 << 20) {
    self.source = source
    self.path = path
    self.requested = encoding
    self.raw = .allocate(byteCount: max(chunkSize, 16), alignment: 16)
  }

  deinit {
    raw.deallocate()
  }

  /// Returns the 1-based line of the raw byte at `offset`, counted by reading the input again
  /// from its start. Counting only here, instead of as the bytes pass, keeps the cost off every
  /// valid file. Nil when the input cannot be read again, such as standard input.
  private func line(ofByteAt offset: Int) -> Int? {
    guard let again = source.reopened() else { return nil }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
    defer { buffer.deallocate() }
    var counter = LineBreakCounter()
    var remaining = offset
    while remaining > 0 {
      let window = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(remaining, buffer.count)])
      guard let count = try? again.read(into: window), count > 0 else { return nil }
      counter.count(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
      remaining -= count
    }
    return counter.total + 1
  }

  /// Returns the next chunk of UTF-8, valid until the next call; an empty buffer at the end.
  public func nextChunk() throws(ReaderFailure) -> UnsafeRawBufferPointer {
    while !finished {
      let (available, atEnd) = try fill()
      if available == 0 && atEnd {
        finished = true
        if pendingHighSurrogate != nil {
          pendingHighSurrogate = nil
          transcoded.removeAll(keepingCapacity: true)
          appendUTF8(0xFFFD, to: &transcoded)
          return transcoded.withUnsafeBytes { $0 }
        }
        break
      }
      let chunk = try decode(count: available, atEnd: atEnd)
      if chunk.count > 0 { return chunk }
    }
    return UnsafeRawBufferPointer(start: nil, count: 0)
  }

  /// Reads more bytes behind any carried ones; returns how many are ready and whether the source
  /// is exhausted.
  private func fill() throws(ReaderFailure) -> (Int, Bool) {
    if carryCount > 0 && carryStart > 0 {
      (raw.baseAddress!).copyMemory(from: raw.baseAddress! + carryStart, byteCount: carryCount)
    }
    carryStart = 0
    var available = carryCount
    carryCount = 0
    var atEnd = false
    // At the start, gather four bytes (or the whole input) so a byte order mark can be seen.
    // `encoding: utf-16` gathers more, because without a mark the byte order is guessed from
    // where the NUL bytes fall.
    let firstRead = requested == .utf16 ? min(raw.count, 256) : 4
    let wanted = started ? available + 1 : firstRead
    while available < wanted {
      let count: Int
      do {
        count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[available...]))
      } catch {
        throw ReaderFailure(error)
      }
      if count == 0 {
        atEnd = true
        break
      }
      available += count
      rawBytesRead += count
    }
    if !started {
      started = true
      available = detectEncoding(available)
    }
    return (available, atEnd)
  }

  /// Picks the decoding mode from the requested encoding and any byte order mark; returns the
  /// number of bytes left after the mark is dropped.
  private func detectEncoding(_ available: Int) -> Int {
    let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<available])
    var markLength = 0
    let utf8Mark = available >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    let littleMark = available >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE
    let bigMark = available >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF
    switch requested {
    case .auto, .utf8:
      if utf8Mark {
        markLength = 3
        mode = .utf8(strict: requested == .utf8)
        detectedEncoding = .utf8
      } else if requested == .auto && (littleMark || bigMark) {
        markLength = 2
        mode = .utf16(bigEndian: bigMark)
        detectedEncoding = bigMark ? .utf16BE : .utf16LE
      } else {
        mode = .utf8(strict: requested == .utf8)
        detectedEncoding = .utf8
        if UTF16Guess.startingPattern(bytes) != nil {
          notes.append(
            EncodingNote(
              byteOffset: 0, line: 1,
              message: "the file starts with NUL bytes between its characters, so it looks like "
                + "UTF-16 without a byte order mark; set `encoding: utf-16` to read it"))
        }
      }
    case .utf16, .utf16LE, .utf16BE:
      var bigEndian = requested == .utf16BE || (requested == .utf16 && bigMark)
      if requested == .utf16 && !littleMark && !bigMark {
        bigEndian = UTF16Guess.byteOrder(bytes) == .bigEndian
      }
      if (bigEndian && bigMark) || (!bigEndian && littleMark) { markLength = 2 }
      mode = .utf16(bigEndian: bigEndian)
      detectedEncoding = bigEndian ? .utf16BE : .utf16LE
    case .windows1252, .latin1:
      mode = .singleByte(windows1252: requested == .windows1252)
      detectedEncoding = requested
    }
    if markLength > 0 {
      carryStart = markLength
      carryCount = available - markLength
      // Move the remaining bytes to the front now, so decode() always starts at index 0.
      (raw.baseAddress!).copyMemory(from: raw.baseAddress! + markLength, byteCount: carryCount)
      carryStart = 0
      carryCount = 0
    }
    return available - markLength
  }

  private func decode(count: Int, atEnd: Bool) throws(ReaderFailure) -> UnsafeRawBufferPointer {
    let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<count])
    switch mode {
    case .utf8(let strict):
      return try decodeUTF8(bytes, atEnd: atEnd, strict: strict)
    case .utf16(let bigEndian):
      return decodeUTF16(bytes, bigEndian: bigEndian, atEnd: atEnd)
    case .singleByte(let windows1252):
      transcoded.removeAll(keepingCapacity: true)
      appendSingleByteText(bytes, windows1252: windows1252, to: &transcoded)
      return transcoded.withUnsafeBytes { $0 }
    }
  }

  private func decodeUTF8(
    _ bytes: UnsafeRawBufferPointer, atEnd: Bool, strict: Bool
  ) throws(ReaderFailure) -> UnsafeRawBufferPointer {
    var outcome = UTF8Validation.scan(bytes)
    if case .incomplete(let index) = outcome {
      if atEnd {
        outcome = .invalid(at: index)
      } else {
        carryStart = index
        carryCount = bytes.count - index
        return UnsafeRawBufferPointer(rebasing: bytes[0..<index])
      }
    }
    guard case .invalid(let index) = outcome else { return bytes }
    let offset = rawBytesRead - bytes.count + index
    let line = line(ofByteAt: offset)
    let place = line.map { "on line \($0) (byte offset \(offset))" } ?? "at byte offset \(offset)"
    if strict {
      throw ReaderFailure(
        SourceLocation(file: path, line: line),
        "invalid UTF-8 at byte offset \(offset); set `encoding:` to the file's encoding "
          + "(for example windows-1252) or to auto")
    }
    notes.append(
      EncodingNote(
        byteOffset: offset, line: line,
        message: "invalid UTF-8 \(place); read the file from there on as Windows-1252"))
    mode = .singleByte(windows1252: true)
    detectedEncoding = .windows1252
    transcoded.removeAll(keepingCapacity: true)
    transcoded.append(contentsOf: bytes[0..<index])
    appendSingleByteText(
      UnsafeRawBufferPointer(rebasing: bytes[index...]), windows1252: true, to: &transcoded)
    return transcoded.withUnsafeBytes { $0 }
  }

  private func decodeUTF16(
    _ bytes: UnsafeRawBufferPointer, bigEndian: Bool, atEnd: Bool
  ) -> UnsafeRawBufferPointer {
    transcoded.removeAll(keepingCapacity: true)
    let pairs = bytes.count / 2
    for pair in 0..<pairs {
      let first = UInt32(bytes[pair * 2])
      let second = UInt32(bytes[pair * 2 + 1])
      let unit = bigEndian ? (first << 8 | second) : (second << 8 | first)
      if let high = pendingHighSurrogate {
        pendingHighSurrogate = nil
        if (0xDC00...0xDFFF).contains(unit) {
          appendUTF8(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00), to: &transcoded)
          continue
        }
        appendUTF8(0xFFFD, to: &transcoded)
      }
      switch unit {
      case 0xD800...0xDBFF: pendingHighSurrogate = unit
      case 0xDC00...0xDFFF: appendUTF8(0xFFFD, to: &transcoded)
      default: appendUTF8(unit, to: &transcoded)
      }
    }
    if bytes.count % 2 == 1 {
      if atEnd {
        appendUTF8(0xFFFD, to: &transcoded)
      } else {
        carryStart = bytes.count - 1
        carryCount = 1
      }
    }
    return transcoded.withUnsafeBytes { $0 }
  }
}
