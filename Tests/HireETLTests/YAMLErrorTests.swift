import HireETL
import Testing

private func at(_ line: Int, _ column: Int) -> SourceMark {
  SourceMark(line: line, column: column)
}

struct YAMLErrorCase: Sendable, CustomTestStringConvertible {
  var name: String
  var bytes: [UInt8]
  var expected: YAMLError

  init(_ name: String, _ yaml: String, _ mark: SourceMark, _ message: String) {
    self.init(name, bytes: Array(yaml.utf8), mark, message)
  }

  init(_ name: String, bytes: [UInt8], _ mark: SourceMark, _ message: String) {
    self.name = name
    self.bytes = bytes
    self.expected = YAMLError(mark: mark, message: message)
  }

  var testDescription: String { name }
}

private let yamlErrorCases: [YAMLErrorCase] = [
  YAMLErrorCase("empty file", "", at(1, 1), "the file is empty"),
  YAMLErrorCase("blank lines only", "\n  \n", at(1, 1), "the file is empty"),
  YAMLErrorCase("byte order mark only", bytes: [0xEF, 0xBB, 0xBF], at(1, 1), "the file is empty"),
  YAMLErrorCase(
    "comments only", "# nothing here\n", at(1, 1), "the file contains no YAML document"),
  YAMLErrorCase(
    "mapping value in scalar", "a: b: c", at(1, 5),
    "mapping values are not allowed in this context"),
  YAMLErrorCase(
    "duplicate top-level key", "name: a\nid: 1\nname: b\n", at(3, 1),
    "duplicate key 'name' (first at line 1)"),
  YAMLErrorCase(
    "duplicate nested key", "job:\n  x: 1\n  y: 2\n  x: 3\n", at(4, 3),
    "duplicate key 'x' (first at line 2)"),
  YAMLErrorCase(
    "duplicate quoted key", "a: 1\n'a': 2\n", at(2, 1), "duplicate key 'a' (first at line 1)"),
  YAMLErrorCase(
    "duplicate flow key", "{a: 1, a: 2}", at(1, 8), "duplicate key 'a' (first at line 1)"),
  YAMLErrorCase(
    "tab indentation", "a:\n\tb: 1\n", at(2, 1),
    "found character that cannot start any token while scanning for the next token. "
      + "The character there is a tab, and YAML indentation must use spaces"),
  YAMLErrorCase(
    "unclosed double quote", "name: \"open\nx: 1\n", at(3, 1),
    "found unexpected end of stream while scanning a quoted scalar that starts at line 1, column 7"),
  YAMLErrorCase(
    "unclosed single quote", "a: 'x", at(1, 6),
    "found unexpected end of stream while scanning a quoted scalar that starts at line 1, column 4"),
  YAMLErrorCase(
    "unclosed flow sequence", "a: [1, 2\n", at(2, 1),
    "did not find expected ',' or ']' while parsing a flow sequence that starts at line 1, column 4"
  ),
  YAMLErrorCase(
    "variable fallback in flow mapping", "write: { mode: ${MODE:-create} }\n", at(1, 17),
    "did not find expected ',' or '}' while parsing a flow mapping that starts at line 1, "
      + "column 8. Inside `{ ... }`, a value that contains `{`, `}`, `,` or `: ` must be quoted, "
      + "as in `{ path: \"warehouse/{date}/x.csv\" }`"),
  YAMLErrorCase(
    "path template in flow mapping", "write: { path: warehouse/{date}/x.csv }\n", at(1, 26),
    "did not find expected ',' or '}' while parsing a flow mapping that starts at line 1, "
      + "column 8. Inside `{ ... }`, a value that contains `{`, `}`, `,` or `: ` must be quoted, "
      + "as in `{ path: \"warehouse/{date}/x.csv\" }`"),
  YAMLErrorCase(
    "key indented less than siblings", "step:\n    name: a\n    read: x\n   write: y\n", at(4, 4),
    "did not find expected key while parsing a block mapping that starts at line 1, column 1. "
      + "The indentation of line 4 does not match the keys above it, so indent it like them, "
      + "with spaces only"),
  YAMLErrorCase(
    "sequence after mapping", "- a\nb: 1\n", at(2, 1),
    "did not find expected '-' indicator while parsing a block collection that starts at "
      + "line 1, column 1"),
  YAMLErrorCase(
    "unknown escape", #"a: "\q""#, at(1, 5),
    "found unknown escape character while parsing a quoted scalar that starts at line 1, column 4"),
  YAMLErrorCase(
    "two documents", "a: 1\n---\nb: 2\n", at(2, 1), "only one YAML document is allowed"),
  YAMLErrorCase(
    "two explicit documents", "--- a\n--- b\n", at(2, 1), "only one YAML document is allowed"),
  YAMLErrorCase(
    "undefined alias", "a: *x\n", at(1, 4),
    "alias '*x' has no matching anchor '&x' before it"),
  YAMLErrorCase(
    "recursive alias", "a: &x [*x]\n", at(1, 8),
    "alias '*x' refers to a node that contains the alias"),
  YAMLErrorCase(
    "recursive alias shadowing anchor", "a: &x 1\nb: &x [*x]\n", at(2, 8),
    "alias '*x' refers to a node that contains the alias"),
  YAMLErrorCase(
    "sequence as key", "? [a]\n: 1\n", at(1, 3),
    "mapping keys must be scalars, but this key is a sequence"),
  YAMLErrorCase(
    "flow mapping as key", "{{a: 1}: 2}", at(1, 2),
    "mapping keys must be scalars, but this key is a mapping"),
  YAMLErrorCase(
    "alias to mapping as key", "a: &m {x: 1}\n*m : 2\n", at(2, 1),
    "mapping keys must be scalars, but this key is a mapping"),
  YAMLErrorCase(
    "merge key", "base: &b {x: 1}\ncopy:\n  <<: *b\n", at(3, 3),
    "merge keys ('<<') are not supported, so write the merged keys out in full"),
  YAMLErrorCase(
    "int tag", "a: !!int 4\n", at(1, 4),
    "tag '!!int' is not supported, only '!!str' is"),
  YAMLErrorCase(
    "local tag", "a: !secret x\n", at(1, 4),
    "tag '!secret' is not supported, only '!!str' is"),
  YAMLErrorCase(
    "set tag on mapping", "a: !!set {b: 1}\n", at(1, 4),
    "tag '!!set' is not supported on a mapping"),
  YAMLErrorCase(
    "invalid leading byte", bytes: Array("a: ".utf8) + [0xFF, 0x0A], at(1, 4),
    "invalid leading UTF-8 octet (0xFF)"),
  YAMLErrorCase(
    "invalid trailing byte", bytes: Array("a:\n b: ".utf8) + [0xC3, 0x28], at(2, 5),
    "invalid trailing UTF-8 octet (0x28)"),
  YAMLErrorCase(
    "truncated UTF-8 sequence", bytes: Array("a: ".utf8) + [0xC3], at(1, 4),
    "incomplete UTF-8 octet sequence"),
  YAMLErrorCase(
    "control character", "a: 1\n\u{1}\n", at(2, 1), "control characters are not allowed (0x01)"),
  YAMLErrorCase(
    "UTF-16 input", bytes: [0xFF, 0xFE, 0x61, 0x00], at(1, 1),
    "the file is encoded as UTF-16, but only UTF-8 is supported"),
  YAMLErrorCase(
    "byte order mark then error", bytes: [0xEF, 0xBB, 0xBF] + Array("a: [\n".utf8), at(2, 1),
    "did not find expected node content while parsing a flow node"),
  YAMLErrorCase(
    "nesting too deep", String(repeating: "[", count: 1_001) + String(repeating: "]", count: 1_001),
    at(1, 1_001), "mappings and sequences are nested more than 1000 levels deep"),
]

struct YAMLErrorTests {
  @Test(arguments: yamlErrorCases)
  func rejectsInput(_ testCase: YAMLErrorCase) {
    #expect(throws: testCase.expected) {
      try YAMLLoader.load(testCase.bytes)
    }
  }

  /// Nine levels of nine aliases each, which would expand to 9^9 scalars without the limit.
  @Test(.timeLimit(.minutes(1)))
  func stopsAliasBomb() {
    var lines = ["a: &a [" + Array(repeating: "lol", count: 9).joined(separator: ", ") + "]"]
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
    for (previous, name) in zip(names, names.dropFirst()) {
      let aliases = Array(repeating: "*\(previous)", count: 9).joined(separator: ", ")
      lines.append("\(name): &\(name) [\(aliases)]")
    }
    let yaml = lines.joined(separator: "\n")

    // The first alias on line 6 pushes the copied node count past 100,000.
    let expected = YAMLError(
      mark: at(6, 8), message: "aliases expand the document by more than 100000 nodes")
    #expect(throws: expected) {
      try YAMLLoader.load(Array(yaml.utf8))
    }
  }

  @Test func allowsAliasesUnderLimit() throws {
    let yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: [*a, *a, *a]\n"
    let root = try YAMLLoader.load(Array(yaml.utf8))
    guard case .mapping(let entries, _) = root, case .sequence(let copies, _)? = entries.last?.value
    else {
      Issue.record("expected a mapping whose second value is a sequence, got \(root)")
      return
    }
    #expect(copies.count == 3)
  }

  @Test func acceptsMaximumDepth() throws {
    let yaml = String(repeating: "[", count: 1_000) + String(repeating: "]", count: 1_000)
    let root = try YAMLLoader.load(Array(yaml.utf8))
    let copy = try YAMLLoader.load(Array(yaml.utf8))
    #expect(root == copy)
  }
}
