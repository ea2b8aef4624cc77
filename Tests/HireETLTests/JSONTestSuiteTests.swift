import Foundation
import Testing

@testable import HireETL

/// The JSONTestSuite parsing corpus, read in place from a checkout next to this repository.
private let corpusFolder = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent()  // HireETLTests
  .deletingLastPathComponent()  // Tests
  .deletingLastPathComponent()  // repository root
  .appendingPathComponent("../shared/corpus/json-test-suite/test_parsing")
  .standardizedFileURL

private let corpusExists = FileManager.default.fileExists(atPath: corpusFolder.path)

private let corpusFileNames: [String] =
  ((try? FileManager.default.contentsOfDirectory(atPath: corpusFolder.path)) ?? [])
  .filter { $0.hasSuffix(".json") }
  .sorted()

/// The implementation-defined (`i_`) cases that the parser accepts. The parser rejects the other
/// `i_` cases, which contain invalid UTF-8, unpaired surrogate escapes, UTF-16 or a byte order mark.
private let acceptedImplementationDefinedCases: Set<String> = [
  "i_number_double_huge_neg_exp.json",
  "i_number_huge_exp.json",
  "i_number_neg_int_huge_exp.json",
  "i_number_pos_double_huge_exp.json",
  "i_number_real_neg_overflow.json",
  "i_number_real_pos_overflow.json",
  "i_number_real_underflow.json",
  "i_number_too_big_neg_int.json",
  "i_number_too_big_pos_int.json",
  "i_number_very_big_negative_int.json",
  "i_structure_500_nested_arrays.json",
]

@Suite(.timeLimit(.minutes(1)))
struct JSONTestSuiteTests {
  @Test(
    .enabled(if: corpusExists, "JSONTestSuite corpus not found at \(corpusFolder.path)"),
    arguments: corpusFileNames)
  func corpusFileVerdict(_ name: String) throws {
    let bytes = try [UInt8](Data(contentsOf: corpusFolder.appendingPathComponent(name)))
    let accepted: Bool
    do {
      _ = try JSONParser.parse(bytes)
      accepted = true
    } catch {
      accepted = false
    }

    switch name.first {
    case "y":
      #expect(accepted, "\(name) must parse")
    case "n":
      #expect(!accepted, "\(name) must be rejected")
    default:
      let expected = acceptedImplementationDefinedCases.contains(name)
      #expect(accepted == expected, "\(name) verdict changed")
    }
  }

  @Test(.enabled(if: corpusExists, "JSONTestSuite corpus not found at \(corpusFolder.path)"))
  func corpusHasAllFiles() {
    #expect(corpusFileNames.count == 318)
  }
}
