/// Splitting of a full name held in one column (as Lever exports it) into first and last name.
public enum NameSplitter {
  /// Splits `full` into first and last name by these rules, in order:
  ///
  /// 1. Split into words at White_Space and trim each with `TextTrim.trim`, so that the
  ///    parts are joined by single spaces.
  /// 2. Drop leading honorifics (Mr, Mrs, Ms, Miss, Dr, Prof, with or without a dot)
  ///    unless nothing would be left.
  /// 3. A name containing Han, kana or Hangul is returned whole as `first` with an empty
  ///    `last`, because CJK names are written family name first and often without spaces,
  ///    so no split is reliable ("王小明" → "王小明" / "").
  /// 4. Trailing suffixes (Jr, Sr, II, III, IV, PhD, MD, with or without dots and commas)
  ///    are kept at the end of the last name ("John Smith, Jr." → "John" / "Smith Jr.").
  /// 5. With exactly one comma (, or the Arabic ،) left, the name is "Last, First"
  ///    ("Smith, John" → "John" / "Smith"). With two or more, the commas are ignored.
  /// 6. Otherwise the last word is the last name, extended to the left over particles
  ///    such as van, von, de, de la, van der, al or bin ("Ludwig van Beethoven" →
  ///    "Ludwig" / "van Beethoven"). The first name always keeps its first word.
  /// 7. A single word is the first name, and the last name is empty (or only the suffixes).
  ///
  /// Words in any script split this way, on the last space ("Иван Петров", "محمد علي").
  /// Zero-width characters inside a word, such as ZWNJ, are kept because some scripts
  /// need them.
  public static func split(_ full: String) -> (first: String, last: String) {
    var words = tokenize(full)
    guard !words.isEmpty else { return ("", "") }

    while words.count > 1, honorifics.contains(words[0].key) {
      words.removeFirst()
    }

    if words.contains(where: { containsCJK($0.text) }) {
      return (render(words), "")
    }

    // Suffixes are taken from the end first, so that "Smith, John, Jr." has one comma left.
    var suffixes: [String] = []
    words[words.count - 1].commaAfter = false
    while words.count > 1, nameSuffixes.contains(words[words.count - 1].key) {
      suffixes.insert(words.removeLast().text, at: 0)
      words[words.count - 1].commaAfter = false
    }

    let commaCount = words.reduce(0) { $0 + ($1.commaAfter ? 1 : 0) }
    if commaCount == 1, let comma = words.firstIndex(where: \.commaAfter) {
      let lastWords = words[...comma]
      var firstWords = words[(comma + 1)...]
      while firstWords.count > 1, honorifics.contains(firstWords[firstWords.startIndex].key) {
        firstWords.removeFirst()
      }
      return (join(firstWords), join(lastWords, suffixes))
    }

    guard words.count > 1 else {
      return (words[0].text, suffixes.joined(separator: " "))
    }

    let lastStart = lastNameStart(words)
    return (join(words[..<lastStart]), join(words[lastStart...], suffixes))
  }

  private struct Word {
    var text: String
    /// Whether a comma followed this word before the next one.
    var commaAfter: Bool
    /// The word as matched against the honorific, suffix and particle lists.
    let key: UInt64

    init(text: String) {
      self.text = text
      self.commaAfter = false
      self.key = NameSplitter.key(text)
    }
  }

  private struct KeyPair: Hashable {
    let first: UInt64
    let second: UInt64
  }

  private static let honorifics = keys(["mr", "mrs", "ms", "miss", "dr", "prof"])

  private static let nameSuffixes = keys(["jr", "sr", "ii", "iii", "iv", "phd", "md"])

  private static let particles = keys([
    "van", "von", "de", "da", "del", "della", "di", "du", "la", "le", "bin", "ibn", "al", "ter",
    "ten", "dos", "das",
  ])

  /// Two-word particles whose second word is not a particle on its own, as in "van der".
  private static let particlePairs: Set<KeyPair> = Set(
    [
      ("van", "der"), ("van", "den"), ("van", "de"), ("von", "der"), ("de", "la"), ("de", "los"),
      ("de", "las"),
    ].map { KeyPair(first: key($0.0), second: key($0.1)) })

  private static func keys(_ words: [String]) -> Set<UInt64> {
    Set(words.map(key))
  }

  /// Returns the index of the first word of the last name in `words`, which must have at least 2.
  private static func lastNameStart(_ words: [Word]) -> Int {
    var start = words.count - 1
    while true {
      if start >= 3,
        particlePairs.contains(KeyPair(first: words[start - 2].key, second: words[start - 1].key))
      {
        start -= 2
      } else if start >= 2, particles.contains(words[start - 1].key) {
        start -= 1
      } else {
        return start
      }
    }
  }

  /// Packs the ASCII letters of `word`, lowercased and without dots, into an integer with one
  /// byte each. Returns 0 when the word has other characters or more than 8 letters.
  private static func key(_ word: String) -> UInt64 {
    var key: UInt64 = 0
    var letterCount = 0
    for byte in word.utf8 where byte != UInt8(ascii: ".") {
      let folded = byte | 0x20
      guard folded >= UInt8(ascii: "a") && folded <= UInt8(ascii: "z") && letterCount < 8 else {
        return 0
      }
      key = key << 8 | UInt64(folded)
      letterCount += 1
    }
    return key
  }

  /// Splits `s` into words at White_Space and commas, marking the words a comma follows.
  /// Zero-width characters at the ends of a word are dropped, and so is a word that has
  /// only zero-width characters.
  private static func tokenize(_ s: String) -> [Word] {
    var words: [Word] = []
    let scalars = s.unicodeScalars
    var wordStart: String.Index?
    var wordEnd = scalars.startIndex

    var index = scalars.startIndex
    while index < scalars.endIndex {
      let scalar = scalars[index]
      let next = scalars.index(after: index)
      let isComma = scalar == "," || scalar == "\u{060C}"

      if isComma || TextTrim.isWhitespace(scalar) {
        if let start = wordStart {
          words.append(Word(text: String(scalars[start..<wordEnd])))
          wordStart = nil
        }
        if isComma && !words.isEmpty {
          words[words.count - 1].commaAfter = true
        }
      } else if !TextTrim.isZeroWidth(scalar) {
        if wordStart == nil {
          wordStart = index
        }
        wordEnd = next
      }
      index = next
    }

    if let start = wordStart {
      words.append(Word(text: String(scalars[start..<wordEnd])))
    }
    return words
  }

  /// Joins the texts of `words` and then `suffixes` with single spaces.
  private static func join(_ words: ArraySlice<Word>, _ suffixes: [String] = []) -> String {
    (words.map(\.text) + suffixes).joined(separator: " ")
  }

  /// Joins `words` with single spaces and keeps their commas.
  private static func render(_ words: [Word]) -> String {
    words.map { $0.commaAfter ? $0.text + "," : $0.text }.joined(separator: " ")
  }

  /// Returns whether `s` contains a Han, Hiragana, Katakana or Hangul scalar.
  private static func containsCJK(_ s: String) -> Bool {
    s.unicodeScalars.contains { scalar in
      switch scalar.value {
      case 0x1100...0x11FF,  // Hangul Jamo
        0x2E80...0x2FDF,  // CJK and Kangxi radicals
        0x3005...0x3007, 0x3021...0x3029,  // ideographic iteration mark and numerals
        0x3040...0x30FF,  // Hiragana, Katakana
        0x3130...0x318F,  // Hangul Compatibility Jamo
        0x31F0...0x31FF,  // Katakana Phonetic Extensions
        0x3400...0x4DBF,  // CJK Extension A
        0x4E00...0x9FFF,  // CJK Unified Ideographs
        0xA960...0xA97F,  // Hangul Jamo Extended-A
        0xAC00...0xD7FF,  // Hangul Syllables, Jamo Extended-B
        0xF900...0xFAFF,  // CJK Compatibility Ideographs
        0xFF66...0xFFDC,  // halfwidth Katakana and Hangul
        0x20000...0x323AF:  // CJK Extensions B to H
        return true
      default:
        return false
      }
    }
  }
}
