import CLibXML2
import Glibc

/// The bytes that libxml2 pulls through its read callback: the source's bytes, repaired when
/// `html_entities` or `strip_control_chars` is on, and scanned for entity declarations until the
/// root element starts. libxml2 reads a few kilobytes at a time, so memory stays flat however
/// large the feed is.
final class XMLInputPipe {
  private static let chunkSize = 64 * 1024

  private let source: ByteSource
  private let path: String
  private let requestedEncoding: TextEncoding
  /// Decodes UTF-16 to UTF-8 when a repair mode is on, because the repairs work on UTF-8.
  private var decoder: UTF8Stream?
  private var repair: XMLInputRepair?
  private var scanner = XMLPrologScanner(layout: .asciiCompatible)
  private let raw: UnsafeMutableRawBufferPointer
  private let repaired = ByteBuffer(capacity: 64 * 1024)
  /// The bytes not yet handed to libxml2, in `raw` or in `repaired`.
  private var pending = UnsafeRawBufferPointer(start: nil, count: 0)
  private var pendingOffset = 0
  private var primedCount = 0
  /// The bytes read by `prime`, handed on before anything else.
  private var primed: UnsafeRawBufferPointer?
  private var sourceFinished = false
  private var finished = false
  private var directBytesRead = 0

  /// The failure that made the callback stop: the source could not be read, or the scan
  /// rejected the document.
  private(set) var failure: ReaderFailure?
  /// The encoding name to give libxml2, which then ignores the XML declaration's; nil lets
  /// libxml2 detect the encoding.
  private(set) var libxmlEncoding: String?

  init(
    source: ByteSource, path: String, encoding: TextEncoding, htmlEntities: Bool,
    stripControlCharacters: Bool
  ) {
    self.source = source
    self.path = path
    self.requestedEncoding = encoding
    raw = .allocate(byteCount: Self.chunkSize, alignment: 16)
    if htmlEntities || stripControlCharacters {
      repair = XMLInputRepair(
        htmlEntities: htmlEntities, stripControlCharacters: stripControlCharacters,
        encoding: encoding)
    }
  }

  deinit {
    raw.deallocate()
  }

  var rawBytesRead: Int { decoder?.rawBytesRead ?? directBytesRead }
  var totalBytes: Int? { source.totalBytes }
  var notes: [String] { (repair?.notes ?? []) + (decoder?.notes.map(\.message) ?? []) }

  /// The callback to give `xmlReaderForIO`, with the pipe as its context.
  static let callback: xmlInputReadCallback = { context, buffer, length in
    guard let context, let buffer else { return -1 }
    let pipe = Unmanaged<XMLInputPipe>.fromOpaque(context).takeUnretainedValue()
    return pipe.read(into: buffer, count: Int(length))
  }

  var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

  /// Reads the first bytes and sets up decoding. Returns false when the input is empty or only
  /// white space, so that there is no document to parse.
  func prime() throws(ReaderFailure) -> Bool {
    var onlyWhiteSpace = true
    while !sourceFinished && primedCount < Self.chunkSize && (primedCount < 4 || onlyWhiteSpace) {
      let count = try readSource(into: UnsafeMutableRawBufferPointer(rebasing: raw[primedCount...]))
      if count == 0 { sourceFinished = true }
      for byte in raw[primedCount..<(primedCount + count)] where !Self.isBlank(byte) {
        onlyWhiteSpace = false
      }
      primedCount += count
    }
    if onlyWhiteSpace && sourceFinished { return false }

    let head = UnsafeRawBufferPointer(rebasing: raw[..<primedCount])
    let layout = XMLCodeUnitLayout.detect(head, requested: requestedEncoding)
    if repair != nil, case .utf16(let bigEndian) = layout {
      let prefixed = PrefixedByteSource(prefix: Array(head), rest: source, finished: sourceFinished)
      var encoding = requestedEncoding
      if encoding == .auto { encoding = bigEndian ? .utf16BE : .utf16LE }
      decoder = UTF8Stream(source: prefixed, path: path, encoding: encoding)
      libxmlEncoding = "UTF-8"
    } else {
      scanner = XMLPrologScanner(layout: layout)
      libxmlEncoding = Self.libxmlName(of: requestedEncoding)
      primed = head
    }
    if let violation = scanner.violation {
      throw ReaderFailure(
        SourceLocation(file: path, line: violation.line, column: violation.column),
        violation.message)
    }
    return true
  }

  /// Bytes that count as blank before the document: ASCII white space, the NUL half of UTF-16
  /// white space, and byte order marks.
  private static func isBlank(_ byte: UInt8) -> Bool {
    switch byte {
    case 0x20, 0x09, 0x0A, 0x0D, 0x00, 0xEF, 0xBB, 0xBF, 0xFE, 0xFF: true
    default: false
    }
  }

  /// Copies up to `count` bytes for libxml2; returns 0 at the end and -1 on a failure.
  private func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int32 {
    if failure != nil { return -1 }
    do {
      while pendingOffset == pending.count {
        if finished { return 0 }
        try refill()
      }
    } catch {
      failure = error
      return -1
    }
    let length = min(count, pending.count - pendingOffset)
    memcpy(buffer, pending.baseAddress! + pendingOffset, length)
    pendingOffset += length
    return Int32(length)
  }

  /// Fetches the next chunk into `pending`, repaired and scanned.
  private func refill() throws(ReaderFailure) {
    pendingOffset = 0
    let chunk = try nextChunk()
    if chunk.isEmpty {
      finished = true
      pending = UnsafeRawBufferPointer(start: nil, count: 0)
      if repair != nil {
        repaired.removeAll()
        repair!.finish(into: repaired)
        pending = repaired.allBytes
        try check(pending)
      }
      if let violation = scanner.finish() { throw failure(violation) }
      return
    }
    if repair != nil {
      repaired.removeAll()
      repair!.repair(chunk, into: repaired)
      pending = repaired.allBytes
    } else {
      pending = chunk
    }
    try check(pending)
  }

  private func check(_ bytes: UnsafeRawBufferPointer) throws(ReaderFailure) {
    guard !scanner.isDone else { return }
    if let violation = scanner.scan(bytes) { throw failure(violation) }
  }

  private func failure(_ violation: XMLSafetyViolation) -> ReaderFailure {
    ReaderFailure(
      SourceLocation(file: path, line: violation.line, column: violation.column),
      violation.message)
  }

  /// Returns the next decoded bytes of the input, valid until the next call; empty at the end.
  private func nextChunk() throws(ReaderFailure) -> UnsafeRawBufferPointer {
    if let decoder { return try decoder.nextChunk() }
    if let head = primed {
      primed = nil
      return head
    }
    if sourceFinished { return UnsafeRawBufferPointer(start: nil, count: 0) }
    let count = try readSource(into: raw)
    if count == 0 { sourceFinished = true }
    return UnsafeRawBufferPointer(rebasing: raw[..<count])
  }

  private func readSource(into buffer: UnsafeMutableRawBufferPointer) throws(ReaderFailure) -> Int {
    do {
      let count = try source.read(into: buffer)
      directBytesRead += count
      return count
    } catch {
      throw ReaderFailure(error)
    }
  }

  /// libxml2's name for an `encoding:` setting; nil for `auto`.
  private static func libxmlName(of encoding: TextEncoding) -> String? {
    switch encoding {
    case .auto: nil
    case .utf8: "UTF-8"
    case .utf16: "UTF-16"
    case .utf16LE: "UTF-16LE"
    case .utf16BE: "UTF-16BE"
    case .windows1252: "WINDOWS-1252"
    case .latin1: "ISO-8859-1"
    }
  }
}

/// A source that serves bytes already read before the rest of another source.
private final class PrefixedByteSource: ByteSource {
  private var prefix: [UInt8]
  private var offset = 0
  private let rest: ByteSource
  private let restFinished: Bool

  init(prefix: [UInt8], rest: ByteSource, finished: Bool) {
    self.prefix = prefix
    self.rest = rest
    self.restFinished = finished
  }

  var totalBytes: Int? { rest.totalBytes }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
    if offset < prefix.count {
      let count = min(buffer.count, prefix.count - offset)
      prefix.withUnsafeBytes { bytes in
        buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
      }
      offset += count
      return count
    }
    return restFinished ? 0 : try rest.read(into: buffer)
  }
}
