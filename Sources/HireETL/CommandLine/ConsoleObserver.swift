/// Shows a run to people on stderr: a progress line that redraws itself on a terminal, plain
/// lines every ten seconds otherwise, warnings, and a summary per step. With `json`, every
/// line is one JSON object instead.
final class ConsoleObserver: RunObserver {
  enum Format {
    case text, json
  }

  private let console: Console
  private let format: Format
  private let quiet: Bool
  private var progressShown = false
  private var lastPlainLine = 0.0

  init(console: Console, format: Format, quiet: Bool) {
    self.console = console
    self.format = format
    self.quiet = quiet
  }

  func stepStarted(_ step: String, dryRun: Bool) {
    guard !quiet else { return }
    let suffix = dryRun ? " (dry run: nothing will be written)" : ""
    emit(event: "step_started", step: step, text: "step '\(step)': started\(suffix)")
  }

  func progress(_ progress: StepProgress) {
    guard !quiet else { return }
    let rate = progress.seconds > 0 ? Int(Double(progress.records) / progress.seconds) : 0
    var text = "\(progress.step): \(grouped(progress.records)) records, \(grouped(rate))/s"
    if let total = progress.totalBytes, total > 0 {
      text += ", \(min(100, progress.bytesRead * 100 / total))% read"
    }
    switch format {
    case .json:
      guard progress.seconds - lastPlainLine >= 10 else { return }
      lastPlainLine = progress.seconds
      var object = JSONObject()
      object["event"] = .string("progress")
      object["step"] = .string(progress.step)
      object["records"] = .number(String(progress.records))
      object["bytes_read"] = .number(String(progress.bytesRead))
      console.error(Self.line(object))
    case .text where console.errorIsTerminal:
      console.error("\r\u{1B}[K" + text)
      progressShown = true
    case .text:
      guard progress.seconds - lastPlainLine >= 10 else { return }
      lastPlainLine = progress.seconds
      console.error(text + "\n")
    }
  }

  func note(_ message: String) {
    guard !quiet else { return }
    clearProgress()
    if format == .json {
      var object = JSONObject()
      object["level"] = .string("info")
      object["message"] = .string(message)
      console.error(Self.line(object))
    } else {
      console.error(message.escapingControlCharacters + "\n")
    }
  }

  func warning(_ message: String) {
    guard !quiet else { return }
    clearProgress()
    if format == .json {
      var object = JSONObject()
      object["level"] = .string("warning")
      object["message"] = .string(message)
      console.error(Self.line(object))
    } else {
      console.error("warning: \(message.escapingControlCharacters)\n")
    }
  }

  func stepFinished(_ report: StepReport) {
    guard !quiet else { return }
    clearProgress()
    if format == .json {
      var object = report.json()
      object["event"] = .string("step_finished")
      object["step"] = .string(report.name)
      console.error(Self.line(object))
      return
    }
    console.error(Self.summary(report))
  }

  /// The per-step lines people read at the end of a run.
  static func summary(_ report: StepReport) -> String {
    let counts = [
      "read \(grouped(report.read))", "valid \(grouped(report.valid))",
      "rejected \(grouped(report.rejected))", "written \(grouped(report.written))",
      "created \(grouped(report.created))", "updated \(grouped(report.updated))",
      "skipped \(grouped(report.skipped))", "failed \(grouped(report.failed))",
      "requests \(grouped(report.requests))", "retries \(grouped(report.retries))",
      "429 responses \(grouped(report.rateLimited))",
    ]
    var text =
      "step '\(report.name)': \(counts.joined(separator: ", ")) in \(formattedSeconds(report.seconds))\n"
    if report.blankSkipped > 0 {
      text += "  \(grouped(report.blankSkipped)) blank lines or empty rows skipped\n"
    }
    if let output = report.output { text += "  output: \(output)\n" }
    if let rejects = report.rejectsFile { text += "  rejects: \(rejects)\n" }
    if !report.examples.isEmpty {
      // Records already done in an earlier run are counted as skipped, not as written.
      let count = report.valid - report.skipped
      let records = count == 1 ? "record" : "records"
      text += "  would write \(grouped(count)) \(records), for example:\n"
      for example in report.examples { text += "    \(example)\n" }
    }
    return text
  }

  func error(_ message: String) {
    clearProgress()
    if format == .json {
      var object = JSONObject()
      object["level"] = .string("error")
      object["message"] = .string(message)
      console.error(Self.line(object))
    } else {
      console.error("error: \(message.escapingControlCharacters)\n")
    }
  }

  private func emit(event: String, step: String, text: String) {
    if format == .json {
      var object = JSONObject()
      object["event"] = .string(event)
      object["step"] = .string(step)
      console.error(Self.line(object))
    } else {
      clearProgress()
      console.error(text + "\n")
    }
  }

  private func clearProgress() {
    if progressShown {
      console.error("\r\u{1B}[K")
      progressShown = false
    }
  }

  private static func line(_ object: JSONObject) -> String {
    var bytes: [UInt8] = []
    JSONWriter.appendValue(.object(object), to: &bytes)
    return String(decoding: bytes, as: UTF8.self) + "\n"
  }
}
