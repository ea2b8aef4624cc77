import CCurl

/// Sorts libcurl's result codes into the kinds of `TransportError` that the retry policy tells
/// apart.
enum CurlErrorMapping {
  /// `requestBytesSent` is CURLINFO_REQUEST_SIZE, the bytes of request that libcurl sent; zero
  /// means the server cannot have seen the request.
  static func transportError(
    code: CURLcode, requestBytesSent: Int, message: String, bodyOverflowed: Bool,
    maximumBodyBytes: Int
  ) -> TransportError {
    let sent = requestBytesSent > 0
    switch code {
    case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
      return .invalidURL(message)
    case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
      return .connectFailed(reason: message)
    case CURLE_OPERATION_TIMEDOUT:
      return .timedOut(requestSent: sent, reason: message)
    case CURLE_SEND_ERROR:
      // A send failed, so the last bytes of the request never left and the server cannot have
      // read a whole request.
      return .connectionDropped(requestSent: false, reason: message)
    case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2,
      CURLE_HTTP2_STREAM:
      return .connectionDropped(requestSent: sent, reason: message)
    case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
      CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
      CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_ENGINE_NOTFOUND,
      CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE,
      CURLE_SSL_SHUTDOWN_FAILED, CURLE_USE_SSL_FAILED:
      return .tls(reason: message)
    case CURLE_WRITE_ERROR where bodyOverflowed:
      return .other(
        code: Int(code.rawValue),
        reason: "the response body is larger than \(maximumBodyBytes) bytes")
    default:
      return .other(code: Int(code.rawValue), reason: message)
    }
  }
}
