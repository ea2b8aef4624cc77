/// Reads every record of one list endpoint, page by page, and returns each result object as
/// `.object`.
///
/// The filter is sent with every page. Where the envelope has `next` (openings, candidates), the
/// reader follows it; elsewhere it steps `offset` by the page size until it reaches `count`. A
/// record whose `id` came earlier is dropped, because records created or deleted during the read
/// shift the offsets and can put one record on two pages. With `concurrency` above 1, once the
/// first page gave `count`, the pages after it are fetched by offset with up to `concurrency`
/// requests in flight, at most `2 * concurrency` pages ahead of the records returned.
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
  /// The pages after the first of the current pass, fetched by offset on `concurrency` threads.
  /// Nil on the sequential path and once every page was read.
  private var pageStream: PageStream?
  /// The `count` of the first page of the current pass, which later pages are compared with.
  private var passCount: Int?
  /// Whether a page of the current pass gave another `count` than its first page.
  private var countDrifted = false
  /// Passes read again from the first page because `count` changed during the read.
  private(set) var rereads = 0
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

  var columnNames: [String]? { nil }

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
    let count = envelope["count"].flatMap { Int(Mapper.text(of: $0)) }
    let offset = query.last { $0.0 == "offset" }.flatMap { Int($0.1) } ?? 0
    if offset == 0, concurrency > 1, let count, count > pageSize, !results.isEmpty {
      // Once `count` is known, the remaining pages are fetched by offset, several at a time.
      passCount = count
      countDrifted = false
      let queries = stride(from: pageSize, to: count, by: pageSize).map { offset in
        filter + [("limit", String(pageSize)), ("offset", String(offset))]
      }
      pageStream = PageStream(
        client: client, path: "/\(resource)", queries: queries, threads: concurrency,
        lookAhead: 2 * concurrency)
      nextQuery = nil
      return
    }
    switch envelope["next"] {
    case .string(let link)?:
      nextQuery = followedQuery(link)
    case .some:
      nextQuery = nil
    case nil:
      // Endpoints without `next`: step the offset until it reaches `count`.
      let nextOffset = offset + pageSize
      if results.isEmpty || nextOffset >= (count ?? 0) {
        nextQuery = nil
      } else {
        nextQuery = filter + [("limit", String(pageSize)), ("offset", String(nextOffset))]
      }
    }
  }

  /// Buffers the records of the next planned page, waiting until it arrived. After the last
  /// planned page, a pass whose `count` changed is read again from the start, because records
  /// created or deleted during it can have shifted past a page boundary.
  private func takePlannedPage(from stream: PageStream) throws(ReaderFailure) {
    guard let page = stream.next() else {
      pageStream = nil
      if countDrifted && rereads < Self.maximumRereads {
        rereads += 1
        nextQuery = filter + [("limit", String(pageSize))]
      }
      return
    }
    let value: JSONValue
    do {
      value = try page.get()
    } catch {
      throw ReaderFailure(SourceLocation(file: "GET /\(resource)"), "\(error)")
    }
    let (envelope, results) = try parse(value)
    buffered = results
    bufferedIndex = 0
    let count = envelope["count"].flatMap { Int(Mapper.text(of: $0)) }
    if count != passCount { countDrifted = true }
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
