/// Reads an XML job feed into records, one per record element, with libxml2's streaming
/// `xmlTextReader`; memory stays flat however large the feed is.
///
/// A record is an object of field name to string, read by a preset or by `record:` and
/// `fields:` (see `XMLReaderOptions`). A field whose path selects nothing is null. A fatal
/// well-formedness error stops the read with its line and column, after the records that were
/// complete before it.
///
/// By default the feed is parsed on a thread of its own, a few batches ahead of the caller, so
/// that parsing overlaps with mapping and writing. The records are the same either way.
public final class XMLFeedReader: RecordReader {
  private let stream: XMLRecordStream?
  private let readAhead: XMLReadAhead?

  /// `key` is the step's `key:`: a record whose key fields are all empty comes with a `key`
  /// problem. The key, or else the preset's key field, also names records in messages.
  public init(
    source: ByteSource, path: String, options: XMLReaderOptions, encoding: TextEncoding = .auto,
    key: [String] = [], readAhead: Bool = true
  ) {
    LibXML2.setUp
    let stream = XMLRecordStream(
      source: source, path: path, options: options, encoding: encoding, key: key)
    if readAhead, let thread = XMLReadAhead(stream) {
      self.readAhead = thread
      self.stream = nil
    } else {
      self.readAhead = nil
      self.stream = stream
    }
  }

  public var columnNames: [String]? { nil }

  /// The counts as of the last batch handed over, when reading ahead.
  public var statistics: ReaderStatistics {
    readAhead?.statistics ?? stream!.statistics
  }

  public func next() throws(ReaderFailure) -> SourceRecord? {
    if let readAhead { return try readAhead.next() }
    return try stream!.next()
  }
}
