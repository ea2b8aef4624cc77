import Synchronization
import Testing

@testable import HireETL

/// A list endpoint whose records change while they are read. Before each request, `change` may
/// create or delete records; the list is served in `order`, with `next` links when `links` is set.
final class ChangingListTransport: HTTPTransport {
  enum Order: CustomStringConvertible {
    case oldestFirst, newestFirst
    var description: String { self == .oldestFirst ? "oldest first" : "newest first" }
  }

  struct List {
    /// The ids in the order the endpoint lists them.
    var ids: [Int]
    var nextID: Int
    var requests = 0
    let order: Order

    /// Creates `count` records where the order puts new ones.
    mutating func create(_ count: Int) {
      for _ in 0..<count {
        if order == .newestFirst { ids.insert(nextID, at: 0) } else { ids.append(nextID) }
        nextID += 1
      }
    }

    /// Deletes `count` records spread over the list.
    mutating func delete(_ count: Int) {
      for step in 0..<count where !ids.isEmpty {
        ids.remove(at: (requests * 37 + step * 11) % ids.count)
      }
    }
  }

  private let state: Mutex<List>
  private let links: Bool
  /// The largest number of records on a page, whatever `limit` requests.
  private let largestPage: Int
  /// Whether the envelope has `count`.
  private let sendsCount: Bool
  private let change: @Sendable (inout List) -> Void
  let initialIDs: Set<Int>

  init(
    records: Int, order: Order, links: Bool, largestPage: Int = 100, sendsCount: Bool = true,
    change: @escaping @Sendable (inout List) -> Void
  ) {
    self.largestPage = largestPage
    self.sendsCount = sendsCount
    let ids = order == .oldestFirst ? Array(1...records) : Array((1...records).reversed())
    state = Mutex(List(ids: ids, nextID: records + 1, order: order))
    initialIDs = Set(ids)
    self.links = links
    self.change = change
  }

  var requests: Int { state.withLock { $0.requests } }
  var currentIDs: Set<Int> { state.withLock { Set($0.ids) } }
  /// Every id that the list ever held.
  var everyID: Set<Int> { state.withLock { Set(1..<$0.nextID) } }

  func send(_ request: HTTPClientRequest) throws(TransportError) -> HTTPClientResponse {
    var offset = 0
    var limit = 100
    for part in request.url.split(separator: "?").dropFirst().joined().split(separator: "&") {
      let pair = part.split(separator: "=")
      if pair.first == "offset" { offset = Int(pair[1]) ?? 0 }
      if pair.first == "limit" { limit = Int(pair[1]) ?? 100 }
    }
    limit = min(limit, largestPage)
    let ids = state.withLock { list in
      list.requests += 1
      change(&list)
      return list.ids
    }
    let page = ids.dropFirst(offset).prefix(limit).map { "{\"id\":\($0)}" }
    var body = sendsCount ? "{\"count\":\(ids.count)," : "{"
    if links {
      let next =
        offset + limit < ids.count
        ? "\"http://127.0.0.1:1/api/v2/todos?limit=\(limit)&offset=\(offset + limit)\"" : "null"
      body += "\"next\":\(next),"
    }
    body += "\"results\":[\(page.joined(separator: ","))]}"
    return HTTPClientResponse(status: 200, body: Array(body.utf8))
  }
}

/// How the list changes during a read, for the parameterised tests.
enum ListChange: CaseIterable, CustomStringConvertible {
  case creates, deletes, createsAndDeletes

  var description: String {
    switch self {
    case .creates: "3 records created before each of the first 20 requests"
    case .deletes: "2 records deleted before each of requests 2 to 12"
    case .createsAndDeletes: "3 created before each of the first 20 and 4 deleted before 5 to 15"
    }
  }

  func apply(to list: inout ChangingListTransport.List) {
    let request = list.requests
    switch self {
    case .creates:
      if request <= 20 { list.create(3) }
    case .deletes:
      if (2...12).contains(request) { list.delete(2) }
    case .createsAndDeletes:
      if request <= 20 { list.create(3) }
      if (5...15).contains(request) { list.delete(4) }
    }
  }
}

private func reader(
  _ transport: ChangingListTransport, pageSize: Int = 10, concurrency: Int
) throws -> APIListReader {
  let client = APIClient(
    baseURL: try APIBaseURL("http://127.0.0.1:1/api/v2"), transport: transport,
    limiter: RateLimiter(.init(ratePerSecond: 100_000, burst: 1000), concurrency: concurrency),
    policy: RetryPolicy(maximumRetries: 0, baseDelay: 0.01, maximumDelay: 0.1))
  return APIListReader(
    client: client, resource: "todos", filter: [], pageSize: pageSize, since: nil,
    concurrency: concurrency)
}

private func readIDs(_ reader: APIListReader) throws -> [Int] {
  var ids: [Int] = []
  while let record = try reader.next() {
    guard case .object(let object) = record.content else { continue }
    ids.append(Int(Mapper.text(of: object["id"])) ?? -1)
  }
  return ids
}

@Suite struct APIReaderDriftTests {
  /// Every record there before and after the read comes once, whatever the list's order, paging
  /// and concurrency, and nothing comes that the list never held.
  @Test(
    arguments: ListChange.allCases,
    [ChangingListTransport.Order.oldestFirst, .newestFirst])
  func everyLastingRecordComesOnce(change: ListChange, order: ChangingListTransport.Order) throws {
    for links in [false, true] {
      for concurrency in [1, 4] {
        let transport = ChangingListTransport(records: 500, order: order, links: links) {
          change.apply(to: &$0)
        }
        let listReader = try reader(transport, concurrency: concurrency)
        let ids = try readIDs(listReader)
        let setting = "\(order), links \(links), concurrency \(concurrency)"
        #expect(ids.count == Set(ids).count, "a record came twice: \(setting)")
        let lasting = transport.initialIDs.intersection(transport.currentIDs)
        let missing = lasting.subtracting(ids)
        #expect(missing.isEmpty, "missing \(missing.sorted().prefix(10)): \(setting)")
        #expect(Set(ids).isSubset(of: transport.everyID), "\(setting)")
        #expect(!listReader.unsettled, "\(setting)")
        #expect(listReader.countChange != nil, "\(setting)")
      }
    }
  }

  @Test func steadyListIsReadOncePerPage() throws {
    for concurrency in [1, 4] {
      let transport = ChangingListTransport(records: 95, order: .oldestFirst, links: true) { _ in }
      let listReader = try reader(transport, concurrency: concurrency)
      #expect(try readIDs(listReader) == Array(1...95))
      #expect(transport.requests == 10)
      #expect(listReader.countChange == nil)
      #expect(listReader.rereads == 0)
      #expect(listReader.stepsBack == 0)
    }
  }

  /// A server whose pages have fewer records than the `limit` requested still gives every record.
  @Test func smallerServerPagesAreFollowed() throws {
    for links in [false, true] {
      for concurrency in [1, 4] {
        let transport = ChangingListTransport(
          records: 95, order: .oldestFirst, links: links, largestPage: 7
        ) { _ in }
        let ids = try readIDs(try reader(transport, concurrency: concurrency))
        #expect(ids == Array(1...95), "links \(links), concurrency \(concurrency)")
        #expect(transport.requests == 14, "links \(links), concurrency \(concurrency)")
      }
    }
  }

  /// Without `count` or `next`, pages are read until one comes back empty.
  @Test func envelopeWithoutCountIsReadToTheEnd() throws {
    for concurrency in [1, 4] {
      let transport = ChangingListTransport(
        records: 95, order: .oldestFirst, links: false, sendsCount: false
      ) { _ in }
      let ids = try readIDs(try reader(transport, concurrency: concurrency))
      #expect(ids == Array(1...95), "concurrency \(concurrency)")
      #expect(transport.requests == 11, "concurrency \(concurrency)")
    }
  }

  /// Read in order, a page that lost records to deletes before it is followed by the page before
  /// it, not by a whole second pass.
  @Test func shrunkenPageStepsBackOnce() throws {
    let transport = ChangingListTransport(records: 100, order: .oldestFirst, links: true) { list in
      if list.requests == 4 { list.ids.removeFirst(3) }
    }
    let listReader = try reader(transport, concurrency: 1)
    let ids = try readIDs(listReader)
    #expect(ids.sorted() == Array(1...100))
    #expect(listReader.stepsBack == 1)
    #expect(listReader.rereads == 0)
    #expect(transport.requests == 11)
    #expect(listReader.countChange! == (100, 97))
  }

  /// Records created at the front while pages are fetched at once can fall between two pages,
  /// so the pass is read again in order from the page before the first one that moved.
  @Test func concurrentPassWithNewRecordsIsReadAgainInOrder() throws {
    let transport = ChangingListTransport(records: 100, order: .newestFirst, links: false) { list in
      if list.requests == 6 { list.create(5) }
    }
    let listReader = try reader(transport, concurrency: 4)
    let ids = try readIDs(listReader)
    #expect(Set(ids).isSuperset(of: 1...100))
    #expect(ids.count == Set(ids).count)
    #expect(listReader.rereads == 1)
    #expect(listReader.duplicates > 0)
  }

  /// A list that loses a page of records before every request never settles. The reader stops
  /// reading again after `maximumRereads` passes and warns that records can be missing.
  @Test func endlessDeletesLeaveTheReadUnsettled() throws {
    let transport = ChangingListTransport(records: 2000, order: .oldestFirst, links: false) {
      list in list.ids.removeFirst(min(10, list.ids.count))
    }
    let listReader = try reader(transport, concurrency: 1)
    _ = try readIDs(listReader)
    #expect(listReader.rereads == APIListReader.maximumRereads)
    #expect(listReader.unsettled)
    let note = APIReadStepRunner.driftNote(listReader.countChange!, reader: listReader)
    #expect(note.contains("can be missing"))
  }
}
