import HireETL
import Testing

@Suite struct TextNameSplitterTests {
  static let cases: [(full: String, first: String, last: String)] = [
    // Plain first and last names.
    ("John Smith", "John", "Smith"),
    ("Mary Ann Smith", "Mary Ann", "Smith"),
    ("J. R. R. Tolkien", "J. R. R.", "Tolkien"),
    ("Anne-Marie O'Neil", "Anne-Marie", "O'Neil"),

    // Whitespace: trimmed, and inner runs collapsed.
    ("  John   Smith  ", "John", "Smith"),
    ("\u{00A0}John\u{00A0}\u{00A0}Smith\u{200B}", "John", "Smith"),
    ("\u{FEFF}John\tSmith\n", "John", "Smith"),
    ("John \u{200B} Smith", "John", "Smith"),
    ("Mo\u{200C}hammad Reza\u{200C}i", "Mo\u{200C}hammad", "Reza\u{200C}i"),
    ("", "", ""),
    (" \u{00A0}\u{200B} ", "", ""),

    // Single words.
    ("Madonna", "Madonna", ""),
    ("Dr.", "Dr.", ""),

    // "Last, First".
    ("Smith, John", "John", "Smith"),
    ("Smith,John", "John", "Smith"),
    ("van Beethoven, Ludwig", "Ludwig", "van Beethoven"),
    ("Smith, Dr. John", "John", "Smith"),
    ("Smith, John, Jr.", "John", "Smith Jr."),
    ("Smith,", "Smith", ""),
    ("Doe, Jane, Extra", "Doe Jane", "Extra"),
    ("Петров, Иван", "Иван", "Петров"),

    // Honorifics.
    ("Mr. John Smith", "John", "Smith"),
    ("mrs Jane Doe", "Jane", "Doe"),
    ("Prof. Dr. Hans Müller", "Hans", "Müller"),
    ("MS Jane Doe", "Jane", "Doe"),
    ("Miss Jane Doe", "Jane", "Doe"),
    ("Dr Smith", "Smith", ""),

    // Suffixes.
    ("John Smith Jr.", "John", "Smith Jr."),
    ("John Smith, Jr.", "John", "Smith Jr."),
    ("John Smith III", "John", "Smith III"),
    ("Jane Doe, PhD", "Jane", "Doe PhD"),
    ("Jane Doe Ph.D.", "Jane", "Doe Ph.D."),
    ("John Smith, Jr., M.D.", "John", "Smith Jr. M.D."),
    ("Dr. Jane Doe MD", "Jane", "Doe MD"),
    ("Smith Jr.", "Smith", "Jr."),

    // Particles.
    ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
    ("Vincent van der Berg", "Vincent", "van der Berg"),
    ("Ursula von der Leyen", "Ursula", "von der Leyen"),
    ("Oscar de la Hoya", "Oscar", "de la Hoya"),
    ("Leonardo Da Vinci", "Leonardo", "Da Vinci"),
    ("Mohammed bin Salman", "Mohammed", "bin Salman"),
    ("Maria dos Santos", "Maria", "dos Santos"),
    ("Van Morrison", "Van", "Morrison"),
    ("Jan ter Horst Jr.", "Jan", "ter Horst Jr."),

    // Other scripts with spaces split on the last space.
    ("Иван Петров", "Иван", "Петров"),
    ("Анна Мария Иванова", "Анна Мария", "Иванова"),
    ("محمد علي", "محمد", "علي"),
    ("Γιώργος Παπαδόπουλος", "Γιώργος", "Παπαδόπουλος"),
    ("राहुल शर्मा", "राहुल", "शर्मा"),
    ("محمد، علي", "علي", "محمد"),

    // CJK names are not split.
    ("王小明", "王小明", ""),
    ("山田 太郎", "山田 太郎", ""),
    ("김민수", "김민수", ""),
    ("Dr. 王小明", "王小明", ""),
  ]

  @Test("split first name", arguments: cases)
  func splitFirstName(full: String, first: String, last: String) {
    #expect(NameSplitter.split(full).first == first)
  }

  @Test("split last name", arguments: cases)
  func splitLastName(full: String, first: String, last: String) {
    #expect(NameSplitter.split(full).last == last)
  }
}
