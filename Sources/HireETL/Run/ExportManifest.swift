/// The `<file>.manifest.json` written beside the output file of a step that reads the API, so a
/// loader can check the file it picks up: resource, row count, SHA-256, columns, watermark and
/// run id.
struct ExportManifest {
  var resource: String
  var step: String
  var runID: String
  var rows: Int
  var columns: [String]
  /// The latest change time among the records read; nil when none had one.
  var watermark: String?

  static func path(besides outputPath: String) -> String { outputPath + ".manifest.json" }

  /// Hashes the output file, then writes the manifest aside and renames it into place.
  func write(besides outputPath: String) throws(RunAbort) {
    guard let checksum = SHA256.ofFile(outputPath) else {
      throw .failure(
        "\(outputPath): reading the file back for its SHA-256 failed; check that it is still there")
    }
    var object = JSONObject()
    object.append(key: "file", value: .string(FileSystem.fileName(of: outputPath)))
    object.append(key: "resource", value: .string(resource))
    object.append(key: "step", value: .string(step))
    object.append(key: "run", value: .string(runID))
    object.append(key: "rows", value: .number(String(rows)))
    object.append(key: "sha256", value: .string(checksum))
    object.append(key: "columns", value: .array(columns.map { .string($0) }))
    object.append(key: "watermark", value: watermark.map { .string($0) } ?? .null)
    var bytes: [UInt8] = []
    JSONWriter.appendValue(.object(object), to: &bytes)
    bytes.append(UInt8(ascii: "\n"))
    do {
      let file = try OutputFile(path: Self.path(besides: outputPath))
      try file.write(bytes)
      try file.commit()
    } catch {
      throw .failure(error.description)
    }
  }
}
