import Glibc
import Synchronization

// The sandbox's only Glibc calls: TCP sockets on 127.0.0.1, the wake pipe, the wall clock and
// the request log's append-only file.

/// A failed system call, with the call's name and the `errno` text.
struct SystemCallError: Error, Equatable, Sendable, CustomStringConvertible {
  var call: String
  var code: Int32

  init(_ call: String, code: Int32 = errno) {
    self.call = call
    self.code = code
  }

  var reason: String { SystemError.describe(code) }
  var description: String { "\(call) failed: \(reason)" }
}

/// An open file descriptor that is closed exactly once, by `close()` or at deinitialization.
final class OwnedDescriptor: Sendable {
  let value: Int32
  private let isClosed = Atomic<Bool>(false)

  init(_ value: Int32) {
    self.value = value
  }

  deinit {
    close()
  }

  func close() {
    if isClosed.exchange(true, ordering: .acquiringAndReleasing) { return }
    _ = Glibc.close(value)
  }
}

/// A TCP socket listening on 127.0.0.1 only.
final class ListeningSocket: Sendable {
  let port: Int
  private let descriptor: OwnedDescriptor

  /// Binds to `port` on 127.0.0.1, or to a free port chosen by the kernel when `port` is 0.
  init(port: Int, backlog: Int32 = 128) throws(SystemCallError) {
    let raw = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard raw >= 0 else { throw SystemCallError("socket") }
    let descriptor = OwnedDescriptor(raw)
    var reuse: Int32 = 1
    setsockopt(raw, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))

    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = in_addr_t(INADDR_LOOPBACK).bigEndian
    let bound = withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(raw, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0 else { throw SystemCallError("bind") }
    guard listen(raw, backlog) == 0 else { throw SystemCallError("listen") }

    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(raw, $0, &length) }
    }
    guard named == 0 else { throw SystemCallError("getsockname") }
    self.port = Int(UInt16(bigEndian: address.sin_port))
    self.descriptor = descriptor
  }

  /// Waits until a connection is ready or `wake` is signalled. Returns false on a wake-up.
  func waitForConnection(orWake wake: WakePipe) -> Bool {
    var entries = [
      pollfd(fd: descriptor.value, events: Int16(POLLIN), revents: 0),
      pollfd(fd: wake.readDescriptor, events: Int16(POLLIN), revents: 0),
    ]
    while true {
      let ready = poll(&entries, 2, -1)
      if ready < 0 && errno == EINTR { continue }
      return ready > 0 && entries[1].revents == 0
    }
  }

  /// Accepts one connection. Returns nil when none was waiting or the client already left.
  func accept() throws(SystemCallError) -> StreamSocket? {
    let raw = Glibc.accept(descriptor.value, nil, nil)
    if raw >= 0 {
      _ = fcntl(raw, F_SETFD, FD_CLOEXEC)
      return StreamSocket(descriptor: raw)
    }
    switch errno {
    case EINTR, EAGAIN, ECONNABORTED, EPROTO: return nil
    default: throw SystemCallError("accept")
    }
  }

  func close() {
    descriptor.close()
  }
}

/// A connected TCP socket. One thread at a time uses it: the accept loop creates it and hands it
/// to the connection's thread.
final class StreamSocket: Sendable {
  enum ReceiveResult {
    case bytes(Int)
    case endOfStream
    case failed
  }

  private let descriptor: OwnedDescriptor

  init(descriptor raw: Int32) {
    descriptor = OwnedDescriptor(raw)
    var noDelay: Int32 = 1
    setsockopt(raw, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
  }

  /// Connects to `port` on 127.0.0.1.
  static func connect(loopbackPort port: Int) throws(SystemCallError) -> StreamSocket {
    let raw = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard raw >= 0 else { throw SystemCallError("socket") }
    let stream = StreamSocket(descriptor: raw)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = in_addr_t(INADDR_LOOPBACK).bigEndian
    let connected = withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(raw, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else { throw SystemCallError("connect") }
    return stream
  }

  /// Waits up to `milliseconds` for bytes or the end of the stream. Returns false on timeout.
  func waitReadable(milliseconds: Int32) -> Bool {
    var entry = pollfd(fd: descriptor.value, events: Int16(POLLIN), revents: 0)
    while true {
      let ready = poll(&entry, 1, milliseconds)
      if ready < 0 && errno == EINTR { continue }
      return ready != 0
    }
  }

  func receive(into buffer: UnsafeMutableRawBufferPointer) -> ReceiveResult {
    while true {
      let count = recv(descriptor.value, buffer.baseAddress, buffer.count, 0)
      if count > 0 { return .bytes(count) }
      if count == 0 { return .endOfStream }
      if errno != EINTR { return .failed }
    }
  }

  /// Sends every byte, without raising SIGPIPE when the peer has gone. Returns false on failure.
  func send(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let sent = Glibc.send(
          descriptor.value, buffer.baseAddress! + offset, buffer.count - offset,
          Int32(MSG_NOSIGNAL))
        if sent < 0 && errno == EINTR { continue }
        if sent <= 0 { return false }
        offset += sent
      }
      return true
    }
  }

  func close() {
    descriptor.close()
  }
}

/// A pipe whose read end becomes readable once `signal()` is called, to wake a thread from
/// `poll`.
final class WakePipe: Sendable {
  private let reader: OwnedDescriptor
  private let writer: OwnedDescriptor

  init() throws(SystemCallError) {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { throw SystemCallError("pipe") }
    for end in ends {
      _ = fcntl(end, F_SETFD, FD_CLOEXEC)
      _ = fcntl(end, F_SETFL, O_NONBLOCK)
    }
    reader = OwnedDescriptor(ends[0])
    writer = OwnedDescriptor(ends[1])
  }

  var readDescriptor: Int32 { reader.value }

  func signal() {
    var byte: UInt8 = 1
    _ = write(writer.value, &byte, 1)
  }
}

/// A file opened for appending lines, created with mode 0600 when missing.
final class AppendOnlyFile: Sendable {
  private let descriptor: OwnedDescriptor

  init(path: String) throws(SystemCallError) {
    let raw = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
    guard raw >= 0 else { throw SystemCallError("open") }
    descriptor = OwnedDescriptor(raw)
  }

  /// Writes `bytes` with one `write` call, so lines from several threads do not interleave.
  func append(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { buffer in
      while true {
        let written = write(descriptor.value, buffer.baseAddress, buffer.count)
        if written < 0 && errno == EINTR { continue }
        return written == buffer.count
      }
    }
  }

  func close() {
    descriptor.close()
  }
}

/// Milliseconds since 1970-01-01T00:00:00Z on the wall clock.
func wallClockMilliseconds() -> Int64 {
  var now = timespec()
  clock_gettime(CLOCK_REALTIME, &now)
  return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
}

/// The closure that a new thread runs, boxed to pass through `pthread_create`.
private final class ThreadBody {
  let run: @Sendable () -> Void

  init(_ run: @escaping @Sendable () -> Void) {
    self.run = run
  }
}

/// Runs `body` on a new detached POSIX thread.
func startDetachedThread(_ body: @escaping @Sendable () -> Void) throws(SystemCallError) {
  let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
  var thread = pthread_t()
  let result = pthread_create(
    &thread, nil,
    { argument in
      Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue().run()
      return nil
    }, box)
  guard result == 0 else {
    Unmanaged<ThreadBody>.fromOpaque(box).release()
    throw SystemCallError("pthread_create", code: result)
  }
  pthread_detach(thread)
}

/// Blocks the calling thread for `seconds`, resuming after signals.
func sleepSeconds(_ seconds: Double) {
  guard seconds > 0 else { return }
  let whole = seconds.rounded(.down)
  var request = timespec(tv_sec: Int(whole), tv_nsec: Int((seconds - whole) * 1e9))
  var remaining = timespec()
  while nanosleep(&request, &remaining) != 0 && errno == EINTR {
    request = remaining
  }
}

/// Unblocks SIGINT and SIGTERM on the calling thread. A process can start with them blocked,
/// for example when its parent spawned it from a thread that blocks them, and then a stop
/// request would never arrive.
func unblockStopSignals() {
  var signals = sigset_t()
  sigemptyset(&signals)
  sigaddset(&signals, SIGINT)
  sigaddset(&signals, SIGTERM)
  pthread_sigmask(SIG_UNBLOCK, &signals, nil)
}
