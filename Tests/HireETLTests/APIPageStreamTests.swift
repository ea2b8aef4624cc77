import Glibc
import Synchronization
import Testing

@testable import HireETL

/// A list endpoint without `next` over ids 1 to `records`, paged by `offset` and `limit`, that
/// records the offset of every request. It can fail the page at `failingOffset` with 404, and
/// hold the response to `heldOffset` until the request for `releasingOffset` arrived or 5 s
/// passed.
private final class PagedListTransport: HTTPTransport {
  let records: Int
  let failingOffset: Int?
  let heldOffset: Int?
  let releasingOffset: Int?
  private let state = Mutex((offsets: [Int](), holdTimedOut: false))

  init(records: Int, failingOffset: Int? = nil, heldOffset: Int? = nil, releasingOffset: Int? = nil)
  {
    self.records = records
    self.failingOffset = failingOffset
    self.heldOffset = heldOffset
    self.releasingOffset = releasingOffset
  }

  var requests: Int { state.withLock { $0.offsets.count } }
  var holdTimedOut: Bool { state.withLock { $0.holdTimedOut } }

  func send(_ request: HTTPClientRequest) throws(TransportError) -> HTTPClientResponse {
    var offset = 0
    var limit = 100
    for part in request.url.split(separator: "?").dropFirst().joined().split(separator: "&") {
      let pair = part.split(separator: "=")
      if pair.first == "offset" { offset = Int(pair[1]) ?? 0 }
      if pair.first == "limit" { limit = Int(pair[1]) ?? 100 }
    }
    state.withLock { $0.offsets.append(offset) }

    if offset == heldOffset, let releasingOffset {
      var released = false
      for _ in 0..<500 {
        released = state.withLock { $0.offsets.contains(releasingOffset) }
        if released { break }
        usleep(10_000)
      }
      if !released { state.withLock { $0.holdTimedOut = true } }
    }
    if offset == failingOffset {
      return HTTPClientResponse(status: 404, body: Array("{\"detail\":\"Not found.\"}".utf8))
    }

    let ids = (1...records).dropFirst(offset).prefix(limit).map { "{\"id\":\($0)}" }
    let body = "{\"count\":\(records),\"results\":[\(ids.joined(separator: ","))]}"
    return HTTPClientResponse(status: 200, body: Array(body.utf8))
  }
}

@Suite struct APIPageStreamTests {
  private func reader(_ transport: PagedListTransport, concurrency: Int) throws -> APIListReader {
    let client = APIClient(
      baseURL: try APIBaseURL("http://127.0.0.1:1/api/v2"), transport: transport,
      limiter: RateLimiter(.init(ratePerSecond: 1000, burst: 100), concurrency: concurrency),
      policy: RetryPolicy(maximumRetries: 0, baseDelay: 0.01, maximumDelay: 0.1))
    return APIListReader(
      client: client, resource: "todos", filter: [], pageSize: 1, since: nil,
      concurrency: concurrency)
  }

  private func id(_ record: SourceRecord?) -> String? {
    guard case .object(let object)? = record?.content else { return nil }
    return Mapper.text(of: object["id"])
  }

  /// Fetching pages in groups that each wait for their slowest page would never send offset 3
  /// while offset 2 is held, so the hold would time out.
  @Test func nextPageStartsWhileEarlierWaits() throws {
    let transport = PagedListTransport(records: 6, heldOffset: 2, releasingOffset: 3)
    let reader = try reader(transport, concurrency: 2)
    var ids: [String] = []
    while let record = try reader.next() {
      ids.append(id(record) ?? "")
    }
    #expect(ids == (1...6).map(String.init))
    #expect(!transport.holdTimedOut)
    #expect(transport.requests == 6)
  }

  @Test func failedPageEndsRead() throws {
    let transport = PagedListTransport(records: 40, failingOffset: 5)
    let reader = try reader(transport, concurrency: 2)
    var ids: [String] = []
    var failure: ReaderFailure?
    do {
      while let record = try reader.next() {
        ids.append(id(record) ?? "")
      }
    } catch {
      failure = error
    }
    #expect(ids == (1...5).map(String.init))
    #expect(failure?.description.contains("404") == true, "\(String(describing: failure))")
    reader.stopFetching()
    // The first page, then planned pages at most 4 (twice the concurrency) ahead of the failed
    // one: offsets 1 to 8.
    #expect(transport.requests <= 9)
  }

  @Test func stopFetchingEndsRequests() throws {
    let transport = PagedListTransport(records: 50)
    let reader = try reader(transport, concurrency: 4)
    for expected in 1...3 {
      #expect(id(try reader.next()) == String(expected))
    }
    reader.stopFetching()
    let requests = transport.requests
    usleep(100_000)
    #expect(transport.requests == requests)
    // The first page, and planned pages at most 8 (twice the concurrency) ahead of the next one
    // to take, offset 3: offsets 1 to 10 at most.
    #expect(requests <= 11)
  }
}
