/// Reads every record of one list endpoint, page by page, and returns each result object as
/// `.object`.
///
/// The filter is sent with every page. Where the envelope has `next` (openings, candidates), the
/// reader follows it; elsewhere it steps `offset` by the page size until it reaches `count`. With
/// `concurrency` above 1, once the first page gave `count`, the pages after it are fetched by
/// offset with up to `concurrency` requests in flight, at most `2 * concurrency` pages ahead of
/// the records returned.
///
/// Records created or deleted during the read move the others between pages, and the reader
/// watches `count` to notice it. A record whose `id` came earlier is dropped, so a record moved
/// onto a later page is written once. Read in order, a page whose `count` fell by less than a
/// page is followed by the page just before it, where the records it lost moved to. After any
/// other change, the reader reads the pages again in order, from the first page that changed, up
/// to `maximumRereads` times. Pages fetched at once are served in no fixed order, so records
/// created at the front of the list can slip between two of them.
final class APIListReader: RecordReader {
  let resource: String
  private let client: APIClient
  private let filter: [(String, String)]
  private let pageSize: Int
  private let since: SinceFilter?
  private var buffered: [JSONObject] = []
  private var bufferedIndex = 0
  /// The query of the next page; nil once the last page was read.
  private var nextQuery: [(String, String)]?
  private var seenIDs: Set<String> = []
  /// The maximum number of requests in flight once the first page gave `count`.
  private let concurrency: Int
  /// Whether pages are read one after another only, as in a pass read again.
  private var inOrder = false
  /// The pages after the first of the concurrent pass, fetched by offset on `concurrency`
  /// threads. Nil when reading in order and once every page was read.
  private var pageStream: PageStream?
  /// The offset of each page of `pageStream`, and the position of the next one taken.
  private var streamOffsets: [Int] = []
  private var streamPosition = 0
  /// The `count` of the first page of the concurrent pass, which later pages are compared with.
  private var passCount = 0
  /// The lowest offset of a concurrent page whose `count` differed from `passCount`.
  private var firstChangedOffset: Int?
  /// The offsets between pages of the concurrent pass: the page size, or less when the server's
  /// first page held fewer records than requested.
  private var pageStep = 1
  /// The lowest `count` of the concurrent pass.
  private var lowestCount = 0
  /// The `count` of the page read before, when reading in order.
  private var previousCount: Int?
  /// Whether the pass read in order must be read again because `count` changed too much.
  private var passChanged = false
  /// Passes read again because `count` changed during the read.
  private(set) var rereads = 0
  /// Pages read again just before a page whose `count` fell.
  private(set) var stepsBack = 0
  /// The `count` of the first page and the last `count` that differed from it, when any did.
  private(set) var countChange: (from: Int, to: Int)?
  /// Whether `count` still changed in the last pass that the reader was allowed to read again,
  /// so that records can have been missed.
  private(set) var unsettled = false
  /// The maximum number of passes read again for a changing `count`; after them, the reader keeps
  /// what it read.
  static let maximumRereads = 3
  private var yielded = 0
  private(set) var statistics = ReaderStatistics()
  /// Member names of the records returned so far, in the order they first appeared.
  private(set) var fieldNames: [String] = []
  private var fieldNameSet: Set<String> = []
  /// Records dropped because their `id` came on an earlier page.
  private(set) var duplicates = 0
  /// Records dropped because they were not changed after the `since:` cutoff.
  private(set) var unchanged = 0
  /// The latest change time among all records read, whether or not `since:` kept them.
  private(set) var latestChange: ChangeTime?
  /// `id@timestamp` and change time of every record read, for `recentlyChanged`.
  private var changes: [(key: String, milliseconds: Int64)] = []
  /// The `count` of the very first page, which `countChange` starts from.
  private var firstCount: Int?

  var columnNames: [String]? { nil }

  /// Whether a `since:` cutoff applies; false on the first `since: last_run` read.
  var hasCutoff: Bool { since?.cutoff != nil }

  init(
    client: APIClient, resource: String, filter: [(String, String)], pageSize: Int,
    since: SinceFilter?, concurrency: Int = 1
  ) {
    self.concurrency = max(1, concurrency)
    self.client = client
    self.resource = resource
    self.filter = filter
    self.pageSize = max(1, min(100, pageSize))
    self.since = since
    self.nextQuery = filter + [("limit", String(self.pageSize))]
  }

  func next() throws(ReaderFailure) -> SourceRecord? {
    while true {
      if bufferedIndex < buffered.count {
        let object = buffered[bufferedIndex]
        bufferedIndex += 1
        guard keep(object) else { continue }
        yielded += 1
        return SourceRecord(line: yielded, number: yielded, content: .object(object))
      }
      // The reader can skip page after page under `since:`, so it looks for Ctrl-C itself.
      if Interruption.requested {
        throw ReaderFailure(SourceLocation(file: "GET /\(resource)"), "interrupted")
      }
      if let stream = pageStream {
        do {
          try takePlannedPage(from: stream)
        } catch {
          // Releasing the stream stops its threads from starting more pages.
          pageStream = nil
          throw error
        }
        continue
      }
      guard let query = nextQuery else { return nil }
      try fetch(query)
    }
  }

  /// Stops fetching pages ahead, for a read that ends early, and waits for the requests in
  /// flight, so that none is sent or counted after this returns.
  func stopFetching() {
    pageStream?.stop()
    pageStream = nil
  }

  /// Drops a repeated id and, under `since:`, a record not changed after the cutoff.
  private func keep(_ object: JSONObject) -> Bool {
    if let id = object["id"] {
      let text = Mapper.text(of: id)
      guard seenIDs.insert(text).inserted else {
        duplicates += 1
        return false
      }
    }
    let change = ChangeTime.of(object, resource: resource)
    if let change {
      changes.append((SinceFilter.seenKey(object, change: change), change.milliseconds))
      if latestChange.map({ change.milliseconds > $0.milliseconds }) ?? true {
        latestChange = change
      }
    }
    if let since, !since.keeps(object, change: change) {
      unchanged += 1
      return false
    }
    for name in object.keys where fieldNameSet.insert(name).inserted {
      fieldNames.append(name)
    }
    return true
  }

  /// Returns `id@timestamp` of the records changed within the `since:` overlap before the latest
  /// change, which the next `since: last_run` read skips unless they change again.
  func recentlyChanged() -> [String] {
    guard let latest = latestChange?.milliseconds else { return [] }
    let start = latest - SinceFilter.overlapMilliseconds
    return changes.filter { $0.milliseconds > start }.map(\.key)
  }

  /// Returns the query of the page at `offset`.
  private func pageQuery(offset: Int) -> [(String, String)] {
    let paging = [("limit", String(pageSize))]
    return filter + (offset > 0 ? paging + [("offset", String(offset))] : paging)
  }

  private func fetch(_ query: [(String, String)]) throws(ReaderFailure) {
    let page: JSONValue
    do {
      page = try client.get("/\(resource)", query: query)
    } catch {
      throw ReaderFailure(SourceLocation(file: "GET /\(resource)"), "\(error)")
    }
    let (envelope, results) = try parse(page)
    buffered = results
    bufferedIndex = 0
    let count = Self.count(of: envelope)
    let offset = query.last { $0.0 == "offset" }.flatMap { Int($0.1) } ?? 0
    if let count { noteCount(count) }
    if offset == 0, !inOrder, concurrency > 1, let count, count > results.count, !results.isEmpty {
      // Once `count` is known, the remaining pages are fetched by offset, several at a time.
      passCount = count
      lowestCount = count
      firstChangedOffset = nil
      // A server that returns fewer records than the `limit` requested has smaller pages.
      pageStep = min(pageSize, results.count)
      streamOffsets = Array(stride(from: pageStep, to: count, by: pageStep))
      streamPosition = 0
      pageStream = PageStream(
        client: client, path: "/\(resource)", queries: streamOffsets.map(pageQuery(offset:)),
        threads: concurrency, lookAhead: 2 * concurrency)
      nextQuery = nil
      return
    }
    if let count, let previous = previousCount, count < previous {
      let lost = previous - count
      if offset > 0, lost < pageSize {
        // Records before this page were deleted, so the page began `lost` records later than
        // planned: read the page just before it, where those records are now.
        previousCount = count
        stepsBack += 1
        nextQuery = pageQuery(offset: max(0, offset - lost))
        return
      }
      passChanged = true
    }
    previousCount = count ?? previousCount
    switch envelope["next"] {
    case .string(let link)?:
      nextQuery = followedQuery(link)
    case .some:
      nextQuery = nil
    case nil:
      // Endpoints without `next`: step the offset until it reaches `count`, by the records the
      // page held, in case the server returns fewer than the `limit` requested.
      // Without `count` either, the first empty page ends the list.
      let nextOffset = offset + results.count
      let done = results.isEmpty || count.map { nextOffset >= $0 } ?? false
      nextQuery = done ? nil : pageQuery(offset: nextOffset)
    }
    if nextQuery == nil, passChanged {
      passChanged = false
      readAgain(from: 0)
    }
  }

  /// Keeps the first `count` and the latest one that differs from it, for the report.
  private func noteCount(_ count: Int) {
    guard let first = firstCount else {
      firstCount = count
      return
    }
    if count != first || countChange != nil { countChange = (first, count) }
  }

  private static func count(of envelope: JSONObject) -> Int? {
    envelope["count"].flatMap { Int(Mapper.text(of: $0)) }
  }

  /// Starts reading again in order from `offset`, unless `maximumRereads` passes were read again
  /// already.
  private func readAgain(from offset: Int) {
    guard rereads < Self.maximumRereads else {
      unsettled = true
      return
    }
    rereads += 1
    inOrder = true
    previousCount = nil
    nextQuery = pageQuery(offset: offset)
  }

  /// Buffers the records of the next planned page, waiting until it arrived. After the last
  /// planned page, a pass in which `count` changed is read again in order, from the page before
  /// the first one that changed, stepped back by the records deleted meanwhile.
  private func takePlannedPage(from stream: PageStream) throws(ReaderFailure) {
    guard let page = stream.next() else {
      pageStream = nil
      if let changed = firstChangedOffset {
        readAgain(from: max(0, changed - pageStep - (passCount - lowestCount)))
      }
      return
    }
    let offset = streamOffsets[streamPosition]
    streamPosition += 1
    let value: JSONValue
    do {
      value = try page.get()
    } catch {
      throw ReaderFailure(SourceLocation(file: "GET /\(resource)"), "\(error)")
    }
    let (envelope, results) = try parse(value)
    buffered = results
    bufferedIndex = 0
    guard let count = Self.count(of: envelope) else { return }
    noteCount(count)
    if count != passCount {
      firstChangedOffset = min(firstChangedOffset ?? offset, offset)
      lowestCount = min(lowestCount, count)
    }
  }

  private func parse(_ page: JSONValue) throws(ReaderFailure) -> (JSONObject, [JSONObject]) {
    guard case .object(let envelope) = page, case .array(let results)? = envelope["results"] else {
      throw ReaderFailure(
        SourceLocation(file: "GET /\(resource)"), "the response has no `results` list")
    }
    let objects = results.compactMap { value in
      if case .object(let object) = value { return object }
      return nil
    }
    return (envelope, objects)
  }

  /// Returns the query of a `next` link, with the step's filter added back where the link lacks it.
  private func followedQuery(_ link: String) -> [(String, String)] {
    var query: [(String, String)] = []
    if let mark = link.firstIndex(of: "?") {
      for part in link[link.index(after: mark)...].split(separator: "&") {
        let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = Self.percentDecoded(String(pair[0]))
        let value = pair.count > 1 ? Self.percentDecoded(String(pair[1])) : ""
        query.append((name, value))
      }
    }
    for (name, value) in filter where !query.contains(where: { $0.0 == name }) {
      query.append((name, value))
    }
    return query
  }

  /// Decodes `%XX` escapes and `+` in one query component.
  static func percentDecoded(_ text: String) -> String {
    var bytes: [UInt8] = []
    var input = Array(text.utf8)[...]
    while let byte = input.popFirst() {
      if byte == UInt8(ascii: "+") {
        bytes.append(UInt8(ascii: " "))
      } else if byte == UInt8(ascii: "%"), input.count >= 2,
        let value = UInt8(String(decoding: input.prefix(2), as: UTF8.self), radix: 16)
      {
        bytes.append(value)
        input = input.dropFirst(2)
      } else {
        bytes.append(byte)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
