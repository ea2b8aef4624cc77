/// Finds the known name closest to a misspelt one, for "did you mean" hints.
public enum NearMatch {
  /// The candidate within a small edit distance of `name` (ignoring case), or nil.
  public static func closest(to name: String, among candidates: [String]) -> String? {
    let target = Array(name.lowercased())
    // An abbreviation such as "int" for "integer" is far in edits but plainly meant.
    if target.count >= 3,
      let expanded = candidates.first(where: { $0.lowercased().hasPrefix(name.lowercased()) && $0.count > name.count })
    {
      return expanded
    }
    var best: (String, Int)?
    for candidate in candidates {
      let distance = editDistance(target, Array(candidate.lowercased()))
      let allowed = max(1, min(3, target.count / 3))
      if distance <= allowed && distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
    }
    return best?.0
  }

  /// Levenshtein distance with adjacent swaps counted as one edit.
  static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previousPrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
          current[j] = min(current[j], previousPrevious[j - 2] + 1)
        }
      }
      (previousPrevious, previous, current) = (previous, current, previousPrevious)
    }
    return previous[b.count]
  }
}
