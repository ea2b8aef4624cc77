/// Loader that turns the bytes of a job file into a `YAMLNode` tree through libyaml.
public enum YAMLLoader {
  /// Maximum number of nodes that aliases may copy into one document. Copies share storage, but
  /// code that walks the tree visits each one, so this stops alias bombs ("billion laughs").
  static let maximumAliasExpansion = 100_000

  /// Maximum nesting of mappings and sequences. Much deeper trees could overflow the stack in the
  /// recursive `==` and deinitialization of `YAMLNode`, and a test covers this depth.
  static let maximumDepth = 1_000

  /// Parses one YAML document, which may also be JSON. Throws for an empty file, a second
  /// document, duplicate or non-scalar keys, merge keys, unsupported tags and libyaml errors.
  public static func load(_ bytes: [UInt8]) throws(YAMLError) -> YAMLNode {
    let start = SourceMark(line: 1, column: 1)
    var input = bytes[...]
    if input.starts(with: [0xEF, 0xBB, 0xBF]) {
      input = input.dropFirst(3)
    }
    if input.starts(with: [0xFF, 0xFE]) || input.starts(with: [0xFE, 0xFF]) {
      throw YAMLError(
        mark: start, message: "the file is encoded as UTF-16, but only UTF-8 is supported")
    }
    if input.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
      throw YAMLError(mark: start, message: "the file is empty")
    }

    let parser = try LibYAMLParser(utf8: input)
    var builder = YAMLTreeBuilder()
    while true {
      let event = try parser.nextEvent()
      if case .streamEnd = event {
        break
      }
      try builder.add(event)
    }

    guard let root = builder.root else {
      throw YAMLError(mark: start, message: "the file contains no YAML document")
    }
    return root
  }
}

/// Builder of one document's tree from libyaml events, with an explicit stack of the mappings
/// and sequences that are still open.
private struct YAMLTreeBuilder {
  private struct OpenCollection {
    enum Kind {
      case mapping
      case sequence
    }

    var kind: Kind
    var mark: SourceMark
    var anchor: String?
    var items: [YAMLNode] = []
    var entries: [YAMLMappingEntry] = []
    /// A key whose value has not been parsed yet.
    var pendingKey: YAMLScalar?
    /// The line of each key seen so far, for duplicate key errors.
    var keyLines: [String: Int] = [:]
    /// Nodes in this collection so far, counting itself and the nodes that aliases copied.
    var nodeCount = 1

    var isAwaitingKey: Bool { kind == .mapping && pendingKey == nil }
  }

  private struct AnchoredNode {
    var node: YAMLNode
    var nodeCount: Int
  }

  private(set) var root: YAMLNode?
  private var documentCount = 0
  private var stack: [OpenCollection] = []
  private var anchors: [String: AnchoredNode] = [:]
  private var aliasExpansion = 0

  mutating func add(_ event: LibYAMLEvent) throws(YAMLError) {
    switch event {
    case .streamStart, .streamEnd, .documentEnd:
      break

    case .documentStart(let mark):
      documentCount += 1
      if documentCount > 1 {
        throw YAMLError(mark: mark, message: "only one YAML document is allowed")
      }

    case .scalar(var scalar, let anchor, let tag):
      if let tag {
        guard Self.isStringTag(tag) else {
          throw YAMLError(
            mark: scalar.mark,
            message: "tag '\(Self.shorthand(tag))' is not supported, only '!!str' is")
        }
        scalar.hasStringTag = true
      }
      try finish(.scalar(scalar), nodeCount: 1, anchor: anchor)

    case .alias(let anchor, let mark):
      try expandAlias(anchor, at: mark)

    case .sequenceStart(let anchor, let tag, let mark):
      try open(.sequence, anchor: anchor, tag: tag, at: mark)

    case .mappingStart(let anchor, let tag, let mark):
      try open(.mapping, anchor: anchor, tag: tag, at: mark)

    case .sequenceEnd, .mappingEnd:
      let collection = stack.removeLast()
      let node: YAMLNode =
        switch collection.kind {
        case .mapping: .mapping(collection.entries, collection.mark)
        case .sequence: .sequence(collection.items, collection.mark)
        }
      try finish(node, nodeCount: collection.nodeCount, anchor: collection.anchor)
    }
  }

  private mutating func open(
    _ kind: OpenCollection.Kind, anchor: String?, tag: String?, at mark: SourceMark
  ) throws(YAMLError) {
    let kindName = kind == .mapping ? "mapping" : "sequence"
    if let tag {
      let expectedTag = kind == .mapping ? "tag:yaml.org,2002:map" : "tag:yaml.org,2002:seq"
      guard tag == expectedTag || tag == "!" else {
        throw YAMLError(
          mark: mark, message: "tag '\(Self.shorthand(tag))' is not supported on a \(kindName)")
      }
    }
    if stack.last?.isAwaitingKey == true {
      throw Self.nonScalarKeyError(kindName, at: mark)
    }
    if stack.count >= YAMLLoader.maximumDepth {
      throw YAMLError(
        mark: mark,
        message: "mappings and sequences are nested more than \(YAMLLoader.maximumDepth) "
          + "levels deep")
    }

    if let anchor {
      // An alias inside this collection refers to it, not to an earlier node with the same anchor.
      anchors[anchor] = nil
    }
    stack.append(OpenCollection(kind: kind, mark: mark, anchor: anchor))
  }

  /// Copies the anchored node to the alias's position, counting the copy against the limit.
  private mutating func expandAlias(_ anchor: String, at mark: SourceMark) throws(YAMLError) {
    guard let anchored = anchors[anchor] else {
      if stack.contains(where: { $0.anchor == anchor }) {
        throw YAMLError(
          mark: mark, message: "alias '*\(anchor)' refers to a node that contains the alias")
      }
      throw YAMLError(
        mark: mark,
        message: "alias '*\(anchor)' has no matching anchor '&\(anchor)' before it")
    }

    aliasExpansion += anchored.nodeCount
    if aliasExpansion > YAMLLoader.maximumAliasExpansion {
      throw YAMLError(
        mark: mark,
        message: "aliases expand the document by more than "
          + "\(YAMLLoader.maximumAliasExpansion) nodes")
    }
    try finish(anchored.node.withMark(mark), nodeCount: anchored.nodeCount, anchor: nil)
  }

  /// Records a complete node under its anchor and adds it to the open collection, or makes it the
  /// root when no collection is open.
  private mutating func finish(_ node: YAMLNode, nodeCount: Int, anchor: String?)
    throws(YAMLError)
  {
    if let anchor {
      anchors[anchor] = AnchoredNode(node: node, nodeCount: nodeCount)
    }
    guard !stack.isEmpty else {
      root = node
      return
    }

    let top = stack.count - 1
    stack[top].nodeCount += nodeCount
    switch stack[top].kind {
    case .sequence:
      stack[top].items.append(node)
    case .mapping:
      if let key = stack[top].pendingKey {
        stack[top].entries.append(YAMLMappingEntry(key: key, value: node))
        stack[top].pendingKey = nil
      } else {
        let key = try checkedKey(node, in: stack[top])
        stack[top].pendingKey = key
        stack[top].keyLines[key.text] = key.mark.line
      }
    }
  }

  private func checkedKey(_ node: YAMLNode, in mapping: OpenCollection) throws(YAMLError)
    -> YAMLScalar
  {
    let key: YAMLScalar
    switch node {
    case .scalar(let scalar):
      key = scalar
    case .mapping(_, let mark):
      throw Self.nonScalarKeyError("mapping", at: mark)
    case .sequence(_, let mark):
      throw Self.nonScalarKeyError("sequence", at: mark)
    }

    if key.style == .plain, !key.hasStringTag, key.text == "<<" {
      throw YAMLError(
        mark: key.mark,
        message: "merge keys ('<<') are not supported, so write the merged keys out in full")
    }
    if let firstLine = mapping.keyLines[key.text] {
      throw YAMLError(
        mark: key.mark, message: "duplicate key '\(key.text)' (first at line \(firstLine))")
    }
    return key
  }

  private static func nonScalarKeyError(_ kindName: String, at mark: SourceMark) -> YAMLError {
    YAMLError(mark: mark, message: "mapping keys must be scalars, but this key is a \(kindName)")
  }

  /// Returns whether `tag` makes a scalar a string: `!!str`, or the non-specific `!` of `! 42`.
  private static func isStringTag(_ tag: String) -> Bool {
    tag == "tag:yaml.org,2002:str" || tag == "!"
  }

  /// Returns `tag` as written in the usual shorthand, `!!int` for libyaml's
  /// `tag:yaml.org,2002:int`.
  private static func shorthand(_ tag: String) -> String {
    let prefix = "tag:yaml.org,2002:"
    return tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag
  }
}
