/// Builds the run's one `APIClient` from the job's `api:` block, so that every step shares its
/// rate limiter, and checks the key with one read before anything is written.
enum APIConnection {
  /// Opens the client for `base_url`, or for the embedded sandbox when `sandbox` is running.
  /// `folder` is the job file's folder, against which `api_key_file` resolves.
  static func open(
    _ api: APISettings, sandbox: SandboxServer?, folder: String
  ) throws(RunAbort) -> APIClient {
    let baseURLText = sandbox?.baseURL ?? api.baseURL
    let baseURL: APIBaseURL
    do {
      baseURL = try APIBaseURL(baseURLText)
    } catch {
      throw .jobFile("api base_url: \(error)")
    }
    let key: APIKey
    if let sandbox {
      key = APIKey(sandbox.apiKey)
    } else {
      key = try readKey(api, folder: folder)
    }
    let transport: CurlTransport
    do {
      transport = try CurlTransport(
        apiKey: key, limits: CurlTransport.Limits(timeout: api.timeoutSeconds))
    } catch {
      throw .failure("the HTTP client could not start: \(error)")
    }
    return APIClient(
      baseURL: baseURL, transport: transport, limiter: RateLimiter(api),
      policy: RetryPolicy(maximumRetries: api.retries))
  }

  /// Sends `GET /openings?limit=1`, so that a wrong key or address stops the run after one
  /// request instead of one per record.
  static func check(_ client: APIClient) throws(RunAbort) {
    do {
      _ = try client.get("/openings", query: [("limit", "1")])
    } catch {
      throw .failure(error.description)
    }
  }

  private static func readKey(_ api: APISettings, folder: String) throws(RunAbort) -> APIKey {
    if let text = api.apiKey {
      guard !text.trimmingSpaces().isEmpty else { throw .jobFile("api_key is empty") }
      return APIKey(text)
    }
    guard let file = api.apiKeyFile else {
      throw .jobFile("api needs `api_key:` or `api_key_file:` to write to \(api.baseURL)")
    }
    let path = FileSystem.resolve(file, against: folder)
    guard FileSystem.exists(path) else {
      throw .jobFile("api_key_file \(path) does not exist; write the key into it, or set api_key:")
    }
    var bytes: [UInt8] = []
    do throws(InputError) {
      let source = try FileByteSource(path: path)
      var buffer = [UInt8](repeating: 0, count: 4096)
      // A key file is a line or two; the bound stops at 64 KiB.
      for _ in 0..<16 {
        let result = buffer.withUnsafeMutableBytes { raw in
          Result { () throws(InputError) in try source.read(into: raw) }
        }
        let count = try result.get()
        if count == 0 { break }
        bytes += buffer[..<count]
      }
    } catch {
      throw .failure("api_key_file \(path): \(error.message)")
    }
    let key = String(decoding: bytes, as: UTF8.self).trimmingSpaces()
    guard !key.isEmpty else { throw .failure("api_key_file \(path) is empty") }
    return APIKey(key)
  }
}
