/// Describes what a job will do, step by step, for `check` and before a run; also finds what
/// can only be checked against the file system (inputs that are missing).
enum PlanPrinter {
  struct Plan {
    var text: String
    var problems: [String]
  }

  static func plan(_ job: Job) -> Plan {
    var text =
      "job '\(job.name)' (\(job.filePath)), \(job.steps.count) step\(job.steps.count == 1 ? "" : "s")\n"
    var problems: [String] = []
    var written: [String] = []
    if let file = job.api?.apiKeyFile, job.api?.apiKey == nil {
      let path = FileSystem.resolve(file, against: job.folder)
      if !FileSystem.exists(path) { problems.append("api_key_file \(path) does not exist") }
    }
    for (position, step) in job.steps.enumerated() {
      text += "\(position + 1). \(step.name)\n"
      if case .file(let input) = step.input {
        text += "   read     \(input.displayPath) (\(input.format.rawValue))\n"
        if input.path != "-" && !FileSystem.exists(input.path) && !written.contains(input.path) {
          problems.append("step '\(step.name)': the input file \(input.displayPath) does not exist")
        }
      }
      if case .api(let source) = step.input {
        let filter = source.filter.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        text += "   read     GET /\(source.resource)\(filter.isEmpty ? "" : "?" + filter)"
        text += source.since.map { " (changed since \($0))\n" } ?? "\n"
      }
      if !step.key.isEmpty { text += "   key      \(step.key.joined(separator: " + "))\n" }
      if let map = step.map {
        text += "   map      \(map.map(\.name).joined(separator: ", "))\n"
      } else {
        text += "   map      every source field as it is\n"
      }
      text += "   validate \(step.schema?.name ?? "none")\n"
      if case .file(let output) = step.output {
        text += "   write    \(output.displayPath) (\(output.format.rawValue))\n"
        written.append(output.pathTemplate)
      }
      if case .api(let target) = step.output {
        text +=
          "   write    POST /\(target.resource) (\(target.mode.rawValue), \(target.batchSize) a batch)\n"
      }
      text += "   rejects  \(step.rejectsPath)\n"
    }
    return Plan(text: text, problems: problems)
  }
}
