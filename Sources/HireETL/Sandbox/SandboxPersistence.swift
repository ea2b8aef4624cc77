import Dispatch
import Synchronization

/// The sandbox data file: every table as JSON, one record a line so the file diffs well.
///
/// ```
/// {"format":"hire-etl-sandbox","format_version":1,"resources":{
/// "openings":{"next_id":3,"records":[
/// {"id":1,"title":"…",…},
/// {"id":2,"title":"…",…}]},
/// …}}
/// ```
enum SandboxDataFile {
  static let format = "hire-etl-sandbox"
  static let formatVersion = 1

  static func encode(_ data: SandboxData) -> [UInt8] {
    var bytes = Array(
      "{\"format\":\"\(format)\",\"format_version\":\(formatVersion),\"resources\":{\n".utf8)
    for (position, resource) in SandboxResource.allCases.enumerated() {
      let table = data[resource]
      if position > 0 { bytes.append(contentsOf: ",\n".utf8) }
      bytes.append(
        contentsOf: "\"\(resource.rawValue)\":{\"next_id\":\(table.nextID),\"records\":[".utf8)
      for (index, record) in table.records.enumerated() {
        bytes.append(contentsOf: index == 0 ? "\n".utf8 : ",\n".utf8)
        JSONWriter.appendValue(.object(record), to: &bytes)
      }
      bytes.append(contentsOf: "]}".utf8)
    }
    bytes.append(contentsOf: "}}\n".utf8)
    return bytes
  }

  /// Reads a data file written by `encode`. A resource the file leaves out starts empty.
  static func decode(_ bytes: [UInt8]) throws(SandboxDataFileError) -> SandboxData {
    let root: JSONValue
    do throws(JSONParseError) {
      root = try JSONParser.parse(bytes)
    } catch {
      throw SandboxDataFileError("it is not valid JSON: \(error)")
    }
    guard case .object(let object) = root, object["format"] == .string(format) else {
      throw SandboxDataFileError("it is not a sandbox data file (no \"format\": \"\(format)\")")
    }
    guard object["format_version"] == .number(String(formatVersion)) else {
      throw SandboxDataFileError(
        "its format_version is not \(formatVersion), the only version this hire-etl reads")
    }
    guard case .object(let resources) = object["resources"] else {
      throw SandboxDataFileError("it has no \"resources\" object")
    }
    var data = SandboxData()
    for (name, value) in zip(resources.keys, resources.values) {
      guard let resource = SandboxResource(rawValue: name) else {
        throw SandboxDataFileError("it names an unknown resource '\(name)'")
      }
      data[resource] = try decodeTable(value, resource: resource)
    }
    return data
  }

  private static func decodeTable(
    _ value: JSONValue, resource: SandboxResource
  ) throws(SandboxDataFileError) -> SandboxTable {
    guard case .object(let table) = value, case .array(let items) = table["records"] else {
      throw SandboxDataFileError("\(resource.rawValue) has no \"records\" array")
    }
    var records: [JSONObject] = []
    var ids: Set<Int> = []
    for (index, item) in items.enumerated() {
      guard case .object(let record) = item, let id = SandboxTable.id(of: record) else {
        throw SandboxDataFileError(
          "record \(index + 1) of \(resource.rawValue) is not an object with an integer id")
      }
      guard ids.insert(id).inserted else {
        throw SandboxDataFileError("\(resource.rawValue) has two records with id \(id)")
      }
      records.append(record)
    }
    var nextID = 1
    if case .number(let literal) = table["next_id"], let number = SandboxInput.integer(literal) {
      nextID = number
    }
    return SandboxTable(records: records, nextID: nextID)
  }

  /// Loads the file at `path`.
  static func load(path: String) throws(SandboxError) -> SandboxData {
    let bytes: [UInt8]
    do throws(InputError) {
      bytes = try readFile(path)
    } catch {
      throw .dataFileInvalid(path: path, reason: error.message)
    }
    do throws(SandboxDataFileError) {
      return try decode(bytes)
    } catch {
      throw .dataFileInvalid(path: path, reason: error.reason)
    }
  }

  private static func readFile(_ path: String) throws(InputError) -> [UInt8] {
    let source = try FileByteSource(path: path)
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
    defer { chunk.deallocate() }
    var bytes: [UInt8] = []
    while true {
      let count = try source.read(into: chunk)
      if count == 0 { return bytes }
      bytes.append(contentsOf: chunk[..<count])
    }
  }

  /// Writes the file aside and renames it into place, with mode 0600 because candidates are
  /// personal data.
  static func save(_ data: SandboxData, path: String) throws(SandboxError) {
    do throws(WriterFailure) {
      let file = try OutputFile(path: path, mode: 0o600)
      try file.write(encode(data))
      try file.commit()
    } catch {
      throw .saveFailed(path: path, reason: error.message)
    }
  }
}

/// The reason that a data file could not be decoded.
struct SandboxDataFileError: Error, Equatable {
  var reason: String

  init(_ reason: String) {
    self.reason = reason
  }
}

/// Writes the store to the data file on its own thread, at most once per `delay` while changes
/// come in, and once more at `stop()`.
final class SandboxSaver: Sendable {
  let path: String
  private let store: SandboxStore
  private let delay: Double
  private let events: @Sendable (SandboxEvent) -> Void
  /// The store version last written, so an unchanged store is not written again.
  private let savedVersion: Mutex<Int>
  /// Whether the last write failed, so that a lasting failure is reported once.
  private let failing = Mutex(false)
  private let stopSignal = DispatchSemaphore(value: 0)
  private let stopped = DispatchSemaphore(value: 0)

  init(
    path: String, store: SandboxStore, delay: Double, savedVersion: Int,
    events: @escaping @Sendable (SandboxEvent) -> Void
  ) {
    self.path = path
    self.store = store
    self.delay = delay
    self.events = events
    self.savedVersion = Mutex(savedVersion)
  }

  func start() throws(SystemCallError) {
    try startDetachedThread { [self] in
      while stopSignal.wait(timeout: .now() + delay) == .timedOut {
        do throws(SandboxError) {
          try saveIfChanged()
          failing.withLock { $0 = false }
        } catch {
          let firstFailure = failing.withLock { failing in
            defer { failing = true }
            return !failing
          }
          if firstFailure { events(.saveFailed(error)) }
        }
      }
      stopped.signal()
    }
  }

  /// Stops the thread and writes any change it has not written yet.
  func stop() throws(SandboxError) {
    stopSignal.signal()
    stopped.wait()
    try saveIfChanged()
  }

  func saveIfChanged() throws(SandboxError) {
    let (data, version) = store.snapshot()
    if savedVersion.withLock({ $0 }) == version { return }
    try SandboxDataFile.save(data, path: path)
    savedVersion.withLock { $0 = version }
  }
}
