/// How to read a CSV file; the job file's `read:` keys for CSV map onto these.
public struct CSVOptions: Equatable, Sendable {
  /// The handling of two header cells with the same name (after trimming).
  public enum DuplicateColumns: String, Sendable {
    /// Stop before reading any row, naming both columns.
    case reject
    /// Keep the first name and number the later ones: `email`, `email_2`, `email_3`.
    case number
  }

  /// The field separator; nil means an Excel `sep=` line or sniffing among `,` `;` tab `|` decides.
  public var delimiter: UInt8?
  public var quote: UInt8 = UInt8(ascii: "\"")
  public var encoding: TextEncoding = .auto
  /// The 1-based row that holds the column names (rows above it are skipped); 0 for a file
  /// without a header, whose columns are then named `column_1`, `column_2`, ...
  public var headerRow = 1
  /// Treat a quote inside an unquoted field, or text after a closing quote, as plain text
  /// instead of rejecting the row.
  public var lenientQuotes = false
  public var duplicateColumns = DuplicateColumns.reject
  /// The largest field accepted, in bytes; a larger one stops the read instead of being cut.
  public var fieldSizeLimit = 16 << 20

  public init() {}
}
