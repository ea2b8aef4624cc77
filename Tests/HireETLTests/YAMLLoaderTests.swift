import HireETL
import Testing

private func at(_ line: Int, _ column: Int) -> SourceMark {
  SourceMark(line: line, column: column)
}

private func key(_ text: String, _ mark: SourceMark, _ style: YAMLScalar.Style = .plain)
  -> YAMLScalar
{
  YAMLScalar(text: text, style: style, mark: mark)
}

private func scalar(_ text: String, _ mark: SourceMark, _ style: YAMLScalar.Style = .plain)
  -> YAMLNode
{
  .scalar(YAMLScalar(text: text, style: style, mark: mark))
}

private func entry(_ key: YAMLScalar, _ value: YAMLNode) -> YAMLMappingEntry {
  YAMLMappingEntry(key: key, value: value)
}

struct YAMLTreeCase: Sendable, CustomTestStringConvertible {
  var name: String
  var yaml: String
  var expected: YAMLNode

  var testDescription: String { name }
}

private let yamlTreeCases: [YAMLTreeCase] = [
  YAMLTreeCase(
    name: "nested block collections",
    yaml: """
      job:
        name: import
        steps:
          - read
          - write: users
      """,
    expected: .mapping(
      [
        entry(
          key("job", at(1, 1)),
          .mapping(
            [
              entry(key("name", at(2, 3)), scalar("import", at(2, 9))),
              entry(
                key("steps", at(3, 3)),
                .sequence(
                  [
                    scalar("read", at(4, 7)),
                    .mapping([entry(key("write", at(5, 7)), scalar("users", at(5, 14)))], at(5, 7)),
                  ], at(4, 5))),
            ], at(2, 3)))
      ], at(1, 1))),
  YAMLTreeCase(
    name: "indentless sequence",
    yaml: "items:\n- a\n- b\n",
    expected: .mapping(
      [
        entry(
          key("items", at(1, 1)),
          .sequence([scalar("a", at(2, 3)), scalar("b", at(3, 3))], at(2, 1)))
      ], at(1, 1))),
  YAMLTreeCase(
    name: "flow mapping",
    yaml: "status: { const: open }\n",
    expected: .mapping(
      [
        entry(
          key("status", at(1, 1)),
          .mapping([entry(key("const", at(1, 11)), scalar("open", at(1, 18)))], at(1, 9)))
      ], at(1, 1))),
  YAMLTreeCase(
    name: "flow sequence",
    yaml: "[a, b]",
    expected: .sequence([scalar("a", at(1, 2)), scalar("b", at(1, 5))], at(1, 1))),
  YAMLTreeCase(
    name: "quoted and plain scalars",
    yaml: "a: \"null\"\nb: '42'\nc: yes\n",
    expected: .mapping(
      [
        entry(key("a", at(1, 1)), scalar("null", at(1, 4), .doubleQuoted)),
        entry(key("b", at(2, 1)), scalar("42", at(2, 4), .singleQuoted)),
        entry(key("c", at(3, 1)), scalar("yes", at(3, 4))),
      ], at(1, 1))),
  YAMLTreeCase(
    name: "escapes in double quotes",
    yaml: #"a: "tab\there \u00e9""#,
    expected: .mapping(
      [entry(key("a", at(1, 1)), scalar("tab\there é", at(1, 4), .doubleQuoted))], at(1, 1))),
  YAMLTreeCase(
    name: "literal and folded blocks",
    yaml: "text: |\n  first\n  second\nfolded: >\n  one\n  two\n",
    expected: .mapping(
      [
        entry(key("text", at(1, 1)), scalar("first\nsecond\n", at(1, 7), .literal)),
        entry(key("folded", at(4, 1)), scalar("one two\n", at(4, 9), .folded)),
      ], at(1, 1))),
  YAMLTreeCase(
    name: "comments ignored",
    yaml: "# job file\nname: x  # trailing\n# end\n",
    expected: .mapping([entry(key("name", at(2, 1)), scalar("x", at(2, 7)))], at(2, 1))),
  YAMLTreeCase(
    name: "empty value is empty plain",
    yaml: "a:\n",
    expected: .mapping([entry(key("a", at(1, 1)), scalar("", at(1, 3)))], at(1, 1))),
  YAMLTreeCase(
    name: "JSON input",
    yaml: #"{"a": [1, true], "b": {"c": null}}"#,
    expected: .mapping(
      [
        entry(
          key("a", at(1, 2), .doubleQuoted),
          .sequence([scalar("1", at(1, 8)), scalar("true", at(1, 11))], at(1, 7))),
        entry(
          key("b", at(1, 18), .doubleQuoted),
          .mapping(
            [entry(key("c", at(1, 24), .doubleQuoted), scalar("null", at(1, 29)))], at(1, 23))),
      ], at(1, 1))),
  YAMLTreeCase(
    name: "same key in two mappings",
    yaml: "a: {id: 1}\nb: {id: 2}\n",
    expected: .mapping(
      [
        entry(
          key("a", at(1, 1)),
          .mapping([entry(key("id", at(1, 5)), scalar("1", at(1, 9)))], at(1, 4))),
        entry(
          key("b", at(2, 1)),
          .mapping([entry(key("id", at(2, 5)), scalar("2", at(2, 9)))], at(2, 4))),
      ], at(1, 1))),
  YAMLTreeCase(
    name: "columns count characters",
    yaml: "é: ü\n",
    expected: .mapping([entry(key("é", at(1, 1)), scalar("ü", at(1, 4)))], at(1, 1))),
  YAMLTreeCase(
    name: "CRLF line breaks",
    yaml: "a: 1\r\nb: 2\r\n",
    expected: .mapping(
      [
        entry(key("a", at(1, 1)), scalar("1", at(1, 4))),
        entry(key("b", at(2, 1)), scalar("2", at(2, 4))),
      ], at(1, 1))),
  YAMLTreeCase(
    name: "alias copies mapping",
    yaml: "base: &b\n  x: 1\ncopy: *b\n",
    expected: .mapping(
      [
        entry(
          key("base", at(1, 1)),
          .mapping([entry(key("x", at(2, 3)), scalar("1", at(2, 6)))], at(1, 7))),
        entry(
          key("copy", at(3, 1)),
          .mapping([entry(key("x", at(2, 3)), scalar("1", at(2, 6)))], at(3, 7))),
      ], at(1, 1))),
  YAMLTreeCase(
    name: "alias copies scalar",
    yaml: "a: &n 5\nb: *n\n",
    expected: .mapping(
      [
        entry(key("a", at(1, 1)), scalar("5", at(1, 4))),
        entry(key("b", at(2, 1)), scalar("5", at(2, 4))),
      ], at(1, 1))),
  YAMLTreeCase(
    name: "alias as scalar key",
    yaml: "- &k id\n- {*k : 1}\n",
    expected: .sequence(
      [
        scalar("id", at(1, 3)),
        .mapping([entry(key("id", at(2, 4)), scalar("1", at(2, 9)))], at(2, 3)),
      ], at(1, 1))),
  YAMLTreeCase(
    name: "explicit document markers",
    yaml: "---\na: 1\n...\n",
    expected: .mapping([entry(key("a", at(2, 1)), scalar("1", at(2, 4)))], at(2, 1))),
  YAMLTreeCase(
    name: "empty document is null",
    yaml: "---\n",
    expected: scalar("", at(2, 1))),
]

struct YAMLLoaderTests {
  @Test(arguments: yamlTreeCases)
  func buildsTree(_ testCase: YAMLTreeCase) throws {
    #expect(try YAMLLoader.load(Array(testCase.yaml.utf8)) == testCase.expected)
  }

  @Test func skipsByteOrderMark() throws {
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a: 1\n".utf8)
    let expected = YAMLNode.mapping([entry(key("a", at(1, 1)), scalar("1", at(1, 4)))], at(1, 1))
    #expect(try YAMLLoader.load(bytes) == expected)
  }

  @Test func keepsStringTag() throws {
    let root = try YAMLLoader.load(Array("a: !!str 42\n".utf8))
    let expected = YAMLNode.mapping(
      [
        entry(
          key("a", at(1, 1)),
          .scalar(YAMLScalar(text: "42", style: .plain, mark: at(1, 4), hasStringTag: true)))
      ], at(1, 1))
    #expect(root == expected)
  }

  @Test func keepsMappingOrder() throws {
    let root = try YAMLLoader.load(Array("z: 1\na: 2\nm: 3\n".utf8))
    guard case .mapping(let entries, _) = root else {
      Issue.record("expected a mapping, got \(root)")
      return
    }
    #expect(entries.map(\.key.text) == ["z", "a", "m"])
  }

  @Test func sourceMarkDescription() {
    #expect(SourceMark(line: 3, column: 14).description == "line 3, column 14")
  }

  @Test func nodeMarkReadsEachCase() {
    #expect(scalar("x", at(2, 5)).mark == at(2, 5))
    #expect(YAMLNode.mapping([], at(3, 1)).mark == at(3, 1))
    #expect(YAMLNode.sequence([], at(4, 7)).mark == at(4, 7))
  }
}
