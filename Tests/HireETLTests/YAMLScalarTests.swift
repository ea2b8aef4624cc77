import HireETL
import Testing

struct YAMLResolutionCase: Sendable, CustomTestStringConvertible {
  /// The value as written after `v: `.
  var value: String
  var isNull: Bool = false
  var boolValue: Bool? = nil
  var intValue: Int? = nil

  var testDescription: String { value.isEmpty ? "(empty)" : value }
}

private let yamlResolutionCases: [YAMLResolutionCase] = [
  YAMLResolutionCase(value: "", isNull: true),
  YAMLResolutionCase(value: "~", isNull: true),
  YAMLResolutionCase(value: "null", isNull: true),
  YAMLResolutionCase(value: "Null", isNull: true),
  YAMLResolutionCase(value: "NULL", isNull: true),
  YAMLResolutionCase(value: "nULL"),
  YAMLResolutionCase(value: "\"null\""),
  YAMLResolutionCase(value: "'~'"),
  YAMLResolutionCase(value: "\"\""),
  YAMLResolutionCase(value: "!!str null"),
  YAMLResolutionCase(value: "true", boolValue: true),
  YAMLResolutionCase(value: "True", boolValue: true),
  YAMLResolutionCase(value: "TRUE", boolValue: true),
  YAMLResolutionCase(value: "false", boolValue: false),
  YAMLResolutionCase(value: "False", boolValue: false),
  YAMLResolutionCase(value: "FALSE", boolValue: false),
  YAMLResolutionCase(value: "tRUE"),
  YAMLResolutionCase(value: "yes"),
  YAMLResolutionCase(value: "no"),
  YAMLResolutionCase(value: "on"),
  YAMLResolutionCase(value: "off"),
  YAMLResolutionCase(value: "'true'"),
  YAMLResolutionCase(value: "!!str false"),
  YAMLResolutionCase(value: "42", intValue: 42),
  YAMLResolutionCase(value: "-7", intValue: -7),
  YAMLResolutionCase(value: "+3", intValue: 3),
  YAMLResolutionCase(value: "0", intValue: 0),
  YAMLResolutionCase(value: "'42'"),
  YAMLResolutionCase(value: "\"42\""),
  YAMLResolutionCase(value: "!!str 42"),
  YAMLResolutionCase(value: "! 42"),
  YAMLResolutionCase(value: "4.2"),
  YAMLResolutionCase(value: "0x1F"),
  YAMLResolutionCase(value: "1_000"),
  YAMLResolutionCase(value: "99999999999999999999"),
  YAMLResolutionCase(value: "|\n  42\n"),
]

struct YAMLScalarTests {
  @Test(arguments: yamlResolutionCases)
  func resolvesCoreSchema(_ testCase: YAMLResolutionCase) throws {
    let root = try YAMLLoader.load(Array("v: \(testCase.value)\n".utf8))
    guard case .mapping(let entries, _) = root, case .scalar(let value)? = entries.first?.value
    else {
      Issue.record("expected a mapping with one scalar value, got \(root)")
      return
    }

    #expect(value.isNull == testCase.isNull)
    #expect(value.boolValue == testCase.boolValue)
    #expect(value.intValue == testCase.intValue)
  }
}
