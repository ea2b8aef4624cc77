import HireETL
import Testing

/// Checks invariants of the text functions on random inputs built from tricky pieces.
@Suite struct TextFuzzTests {
  /// SplitMix64, a seedable generator, so that every run tests the same inputs.
  struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  static let pieces = [
    "<", ">", "/", "p", "li", "ul", "ol", "br", "pre", "script", "div", "td", "!--", "-->", "?",
    "&", "#", "x", ";", "amp", "nbsp", "eacute", "#8217", "#x27", "\"", "'", "=", " ", "  ",
    "\n", "\r", "\t", "\u{00A0}", "\u{200B}", "\u{FEFF}", "\u{3000}", "é", "e\u{0301}", "王",
    "Иван", "محمد", "😀", "\u{1F468}\u{200D}\u{1F469}", ",", ".", "@", "-", "van", "de", "Dr.",
    "Jr.", "Smith", "1", "12", "2024", "0", "9", ":", "T", "Z", "+", "%", "%d", "%m", "%Y", "%b",
    "%p", "%z", "%-", "Mar", "PM",
  ]

  static func randomStrings(count: Int, seed: UInt64) -> [String] {
    var generator = SeededGenerator(state: seed)
    return (0..<count).map { _ in
      let length = Int.random(in: 0...12, using: &generator)
      return (0..<length).map { _ in pieces.randomElement(using: &generator)! }.joined()
    }
  }

  @Test("trim is idempotent")
  func trimIsIdempotent() {
    let failures = Self.randomStrings(count: 3000, seed: 1).filter { input in
      let trimmed = TextTrim.trim(input)
      let needsTrim = Array(input.utf8).withUnsafeBytes { TextTrim.needsTrim($0) }
      return TextTrim.trim(trimmed) != trimmed || needsTrim != (trimmed != input)
    }
    #expect(failures.isEmpty)
  }

  @Test("toPlainText output is clean")
  func toPlainTextOutputIsClean() {
    let failures = Self.randomStrings(count: 3000, seed: 2).filter { input in
      let text = HTMLText.toPlainText(input)
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      let hasTrailingSpace = lines.contains { line in
        line.unicodeScalars.last.map { $0 == " " || $0 == "\t" || $0 == "\u{00A0}" } ?? false
      }
      return text.contains("\n\n\n") || hasTrailingSpace || TextTrim.trim(text) != text
    }
    #expect(failures.isEmpty)
  }

  @Test("decodeEntities without ampersand")
  func decodeEntitiesWithoutAmpersand() {
    let failures = Self.randomStrings(count: 3000, seed: 3).filter { input in
      !input.contains("&") && HTMLText.decodeEntities(input) != input
    }
    #expect(failures.isEmpty)
  }

  @Test("split output is normalized")
  func splitOutputIsNormalized() {
    let failures = Self.randomStrings(count: 3000, seed: 4).filter { input in
      let (first, last) = NameSplitter.split(input)
      let isNormalized = { (part: String) in
        TextTrim.trim(part) == part && !part.contains("  ")
      }
      return !isNormalized(first) || !isNormalized(last) || (first.isEmpty && !last.isEmpty)
    }
    #expect(failures.isEmpty)
  }

  @Test("parse round-trips its output")
  func parseRoundTripsItsOutput() {
    let inputs = Self.randomStrings(count: 3000, seed: 5)
    let formats = Self.randomStrings(count: 3000, seed: 6)
    let failures = zip(inputs, formats).filter { input, format in
      for format in [nil, format] {
        guard let parts = DateConversion.parse(input, format: format) else { continue }
        let reparsed = DateConversion.parse(DateConversion.iso8601DateTime(parts), format: nil)
        if reparsed?.year != parts.year || reparsed?.day != parts.day
          || reparsed?.hour != parts.hour || reparsed?.second != parts.second
        {
          return true
        }
      }
      return false
    }
    #expect(failures.isEmpty)
  }

  @Test("isValid on random text")
  func isValidOnRandomText() {
    let accepted = Self.randomStrings(count: 3000, seed: 7).filter(EmailAddress.isValid)
    let malformed = accepted.filter { address in
      address.contains(" ") || address.contains("..") || !address.contains(".")
        || address.split(separator: "@", omittingEmptySubsequences: false).count != 2
    }
    #expect(malformed.isEmpty)
  }
}
