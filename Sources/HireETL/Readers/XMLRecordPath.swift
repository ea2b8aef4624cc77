import CLibXML2

/// The `record:` path, which names the elements that are records: element names from the root
/// element down, such as `source/job`. A `//` lets any number of levels come between two steps
/// or before the first one, as in `//PositionOpening`.
struct XMLRecordPath: Equatable, Sendable, CustomStringConvertible {
  struct Step: Equatable, Sendable {
    var name: XMLName
    /// Whether a `//` comes before the step.
    var anyDepth: Bool
  }

  /// The reader's action for an element it reaches.
  enum Decision {
    /// The element is a record: expand it and read its fields.
    case record
    /// A record may lie inside: read on into the element.
    case descend
    /// No record can lie inside: skip the element and its content.
    case skip
  }

  let steps: [Step]
  let text: String
  /// Whether every step is a child of the one before, so each step sits at a known depth.
  let hasFixedDepth: Bool

  init(_ text: String, namespaces: [String: String]) throws(XMLPathError) {
    var body = Substring(text.trimmingSpaces())
    var anyDepth = false
    if body.hasPrefix("//") {
      anyDepth = true
      body = body.dropFirst(2)
    } else if body.hasPrefix("/") {
      body = body.dropFirst()
    }
    guard !body.isEmpty else {
      throw XMLPathError("`record:` is empty; name the record element, such as source/job")
    }
    var steps: [Step] = []
    for part in splitXMLPath(body) {
      if part.isEmpty {
        if anyDepth || steps.isEmpty {
          throw XMLPathError("`record: \(text)` has an empty step")
        }
        anyDepth = true
        continue
      }
      do {
        steps.append(
          Step(name: try XMLName.parse(part, namespaces: namespaces), anyDepth: anyDepth))
      } catch {
        throw XMLPathError(
          "`record: \(text)`: \(error.message). A record path is element names separated by /, "
            + "such as source/job or //{http://ns.hr-xml.org}PositionOpening")
      }
      anyDepth = false
    }
    if anyDepth { throw XMLPathError("`record: \(text)` ends with a slash") }
    self.steps = steps
    self.text = text
    hasFixedDepth = !steps.contains(where: \.anyDepth)
  }

  var description: String { text }

  /// Decides what to do with `node`, an element at `depth` (0 for the root) whose ancestors,
  /// root first, are `ancestors`. With a fixed-depth path, the reader only ever reaches
  /// elements whose ancestors matched, so only the element's own step is checked.
  func decide(_ node: xmlNodePtr, depth: Int, ancestors: [xmlNodePtr]) -> Decision {
    if hasFixedDepth {
      guard depth < steps.count, steps[depth].name.matches(node) else { return .skip }
      return depth == steps.count - 1 ? .record : .descend
    }
    return matches(node, ancestors: ancestors[..<min(depth, ancestors.count)]) ? .record : .descend
  }

  /// Returns whether the element, with these ancestors root first, is a record.
  func matches(_ node: xmlNodePtr, ancestors: ArraySlice<xmlNodePtr>) -> Bool {
    guard let last = steps.last, last.name.matches(node) else { return false }
    return matchSteps(steps.count - 1, endingBefore: ancestors.endIndex, in: ancestors)
  }

  /// Returns whether steps `0..<stepCount` match ancestors ending before `end`, given that the
  /// step after them matched the ancestor at `end` (or the element itself).
  private func matchSteps(
    _ stepCount: Int, endingBefore end: Int, in ancestors: ArraySlice<xmlNodePtr>
  ) -> Bool {
    let following = steps[stepCount]
    if stepCount == 0 {
      // The first step is the root unless a `//` comes before it.
      return following.anyDepth || end == ancestors.startIndex
    }
    let step = steps[stepCount - 1]
    let lowest = following.anyDepth ? ancestors.startIndex : end - 1
    var index = end - 1
    while index >= lowest && index >= ancestors.startIndex {
      if step.name.matches(ancestors[index])
        && matchSteps(stepCount - 1, endingBefore: index, in: ancestors)
      {
        return true
      }
      index -= 1
    }
    return false
  }
}
