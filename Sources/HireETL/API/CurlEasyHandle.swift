import CCurl

/// One libcurl easy handle and the connections it keeps alive between requests. Each request
/// resets the handle's options, which keeps those connections, and sets them all again.
///
/// `@unchecked Sendable` because a handle may move between threads but is used by one thread at a
/// time: `CurlTransport` hands each idle handle to exactly one caller.
final class CurlEasyHandle: @unchecked Sendable {
  private let handle: UnsafeMutableRawPointer
  /// libcurl writes a failing transfer's message here; it must hold `CURL_ERROR_SIZE` bytes.
  private let errorBuffer: UnsafeMutablePointer<CChar>

  init() throws(TransportError) {
    guard let handle = curl_easy_init() else {
      throw .other(code: Int(CURLE_FAILED_INIT.rawValue), reason: "curl_easy_init failed")
    }
    self.handle = handle
    errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
    errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
  }

  deinit {
    curl_easy_cleanup(handle)
    errorBuffer.deallocate()
  }

  /// Sends `request` and blocks until the response is complete or the transfer fails. libcurl
  /// waits in poll(2), so the thread sleeps while the server takes its time.
  func perform(
    _ request: HTTPClientRequest, authorization: String, limits: CurlTransport.Limits
  ) throws(TransportError) -> HTTPClientResponse {
    curl_easy_reset(handle)
    errorBuffer[0] = 0
    let sink = ResponseSink(maximumBodyBytes: limits.maximumResponseBytes)
    var headerList: UnsafeMutablePointer<curl_slist>?
    defer { curl_slist_free_all(headerList) }

    var code = configure(request, limits: limits)
    if code == CURLE_OK {
      for header in request.headers {
        headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
      }
      headerList = curl_slist_append(headerList, "Authorization: \(authorization)")
      // An empty Expect stops libcurl from waiting for "100 Continue" before larger bodies.
      headerList = curl_slist_append(headerList, "Expect:")
      code = hire_curl_set_pointer(handle, CURLOPT_HTTPHEADER, headerList)
    }
    if code == CURLE_OK {
      code = withExtendedLifetime(sink) {
        let context = Unmanaged.passUnretained(sink).toOpaque()
        _ = hire_curl_set_callback(handle, CURLOPT_WRITEFUNCTION, ResponseSink.receiveBody)
        _ = hire_curl_set_pointer(handle, CURLOPT_WRITEDATA, context)
        _ = hire_curl_set_callback(handle, CURLOPT_HEADERFUNCTION, ResponseSink.receiveHeader)
        _ = hire_curl_set_pointer(handle, CURLOPT_HEADERDATA, context)
        return curl_easy_perform(handle)
      }
    }
    guard code == CURLE_OK else {
      throw CurlErrorMapping.transportError(
        code: code, requestBytesSent: longInfo(CURLINFO_REQUEST_SIZE), message: message(for: code),
        bodyOverflowed: sink.overflowed, maximumBodyBytes: limits.maximumResponseBytes)
    }
    return HTTPClientResponse(
      status: longInfo(CURLINFO_RESPONSE_CODE), headers: sink.headers, body: sink.body)
  }

  /// Sets every option of one transfer, stopping at the first that fails.
  private func configure(_ request: HTTPClientRequest, limits: CurlTransport.Limits) -> CURLcode {
    var settings: [(CURLoption, Int)] = [
      (CURLOPT_NOSIGNAL, 1),
      (CURLOPT_CONNECTTIMEOUT_MS, Int(limits.connectTimeout * 1000)),
      (CURLOPT_TIMEOUT_MS, Int(limits.timeout * 1000)),
      (CURLOPT_TCP_KEEPALIVE, 1),
      (CURLOPT_FOLLOWLOCATION, 0),
    ]
    if !request.isIdempotent {
      // libcurl 7.88 resends a request by itself when a reused connection closes before any byte
      // of the response arrives, and has no option to turn that off (CURLOPT_FORBID_RETRY_ON_REUSE
      // arrived in 8.16). A create therefore goes on a new connection, which libcurl never
      // resends on, and that connection is closed afterwards.
      settings.append((CURLOPT_FRESH_CONNECT, 1))
      settings.append((CURLOPT_FORBID_REUSE, 1))
    }
    var code = hire_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
    for (option, value) in settings where code == CURLE_OK {
      code = hire_curl_set_long(handle, option, value)
    }
    guard code == CURLE_OK else { return code }
    code = hire_curl_set_pointer(handle, CURLOPT_URL, request.url)
    guard code == CURLE_OK else { return code }
    code = hire_curl_set_pointer(handle, CURLOPT_PROTOCOLS_STR, "http,https")
    guard code == CURLE_OK else { return code }
    return configureMethod(request)
  }

  private func configureMethod(_ request: HTTPClientRequest) -> CURLcode {
    if request.method == .get && request.body == nil {
      return hire_curl_set_long(handle, CURLOPT_HTTPGET, 1)
    }
    var code = CURLE_OK
    if let body = request.body {
      code = hire_curl_set_long(handle, CURLOPT_POST, 1)
      if code == CURLE_OK {
        code = hire_curl_set_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
      }
      if code == CURLE_OK && body.isEmpty {
        code = hire_curl_set_pointer(handle, CURLOPT_COPYPOSTFIELDS, "")
      } else if code == CURLE_OK {
        // COPYPOSTFIELDS copies the bytes, so `body` need not outlive this call.
        code = body.withUnsafeBytes {
          hire_curl_set_pointer(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress)
        }
      }
    }
    if code == CURLE_OK && request.method != .post {
      code = hire_curl_set_pointer(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue)
    }
    return code
  }

  private func longInfo(_ info: CURLINFO) -> Int {
    var value = 0
    _ = hire_curl_get_long(handle, info, &value)
    return value
  }

  private func message(for code: CURLcode) -> String {
    if errorBuffer[0] != 0 {
      return String(cString: errorBuffer)
    }
    return String(cString: curl_easy_strerror(code))
  }
}

/// Collects the response while libcurl calls back with header lines and body bytes.
private final class ResponseSink {
  let maximumBodyBytes: Int
  var headers: [HTTPHeader] = []
  var body: [UInt8] = []
  var overflowed = false

  init(maximumBodyBytes: Int) {
    self.maximumBodyBytes = maximumBodyBytes
  }

  static let receiveBody: hire_curl_data_callback = { data, size, count, context in
    let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    guard sink.body.count + length <= sink.maximumBodyBytes else {
      sink.overflowed = true
      // Returning fewer bytes than offered makes libcurl stop with CURLE_WRITE_ERROR.
      return 0
    }
    data!.withMemoryRebound(to: UInt8.self, capacity: length) {
      sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
    }
    return length
  }

  static let receiveHeader: hire_curl_data_callback = { data, size, count, context in
    let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    let line = data!.withMemoryRebound(to: UInt8.self, capacity: length) {
      String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
    sink.addHeaderLine(line)
    return length
  }

  private func addHeaderLine(_ line: String) {
    // A status line starts each response, including interim 1xx ones, and only the headers of
    // the last response count.
    if line.hasPrefix("HTTP/") {
      headers.removeAll()
      return
    }
    guard let colon = line.firstIndex(of: ":") else { return }
    let name = String(line[..<colon]).trimmingSpaces()
    let value = String(line[line.index(after: colon)...]).trimmingSpaces()
    headers.append(HTTPHeader(name, value))
  }
}
