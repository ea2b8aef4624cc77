/// Generates linked, believable sandbox records from a number of candidates. The same number
/// always gives the same records, because the number seeds the random sequence.
///
/// Openings number the square root of the candidates, from 1 to 500. Each candidate applies to
/// one opening and gets up to 3 messages, 2 internal notes, 2 interviews, 2 reviews, 1
/// evaluation and 2 to-dos. Timestamps lie in 2024 and early 2025, and ids rise with
/// `created_at` (or `sent_at`) as they would in a real account.
enum SandboxSeeder {
  /// 2024-01-01T00:00:00Z, the earliest timestamp of generated records.
  static let firstInstant: Int64 = 1_704_067_200_000
  private static let second: Int64 = 1000
  private static let hour: Int64 = 3_600_000
  private static let day: Int64 = 24 * hour

  static func openingCount(forCandidates candidates: Int) -> Int {
    guard candidates > 0 else { return 0 }
    return min(500, max(1, Int(Double(candidates).squareRoot().rounded(.up))))
  }

  static func generate(candidates count: Int) -> SandboxData {
    var random = SandboxRandom(seed: 0x5EED_0000_0000 ^ UInt64(max(0, count)))
    var data = SandboxData()
    let openings = numbered(makeOpenings(openingCount(forCandidates: count), random: &random))
    data[.openings] = table(openings)
    let candidates = numbered(
      makeCandidates(count, openingTimes: openings.map(\.time), random: &random))
    data[.candidates] = table(candidates)

    var children: [SandboxResource: [Dated]] = [:]
    for candidate in candidates {
      for resource in SandboxResource.candidateChildren {
        let records = makeChildren(resource, of: candidate, random: &random)
        children[resource, default: []] += records
      }
    }
    for resource in SandboxResource.candidateChildren {
      data[resource] = table(numbered(children[resource] ?? []))
    }
    return data
  }

  /// A record before it has an id, with the time that orders ids.
  private struct Dated {
    var time: Int64
    var fields: JSONObject
  }

  /// Sorts records by time and numbers them from 1, with the id as the first field.
  private static func numbered(_ records: [Dated]) -> [Dated] {
    let sorted = records.enumerated().sorted {
      ($0.element.time, $0.offset) < ($1.element.time, $1.offset)
    }
    return sorted.enumerated().map { index, entry in
      var record: JSONObject = ["id": .number(String(index + 1))]
      for (key, value) in zip(entry.element.fields.keys, entry.element.fields.values) {
        record.append(key: key, value: value)
      }
      return Dated(time: entry.element.time, fields: record)
    }
  }

  private static func table(_ records: [Dated]) -> SandboxTable {
    SandboxTable(records: records.map(\.fields), nextID: records.count + 1)
  }

  private static func makeOpenings(_ count: Int, random: inout SandboxRandom) -> [Dated] {
    (0..<count).map { _ in
      let created = firstInstant + Int64(random.below(180 * 24 * 3600)) * second
      let updated = created + Int64(random.below(30 * 24 * 3600)) * second
      // 60% open, 25% closed, 15% draft.
      let statusRoll = random.below(100)
      let status: String
      if statusRoll < 60 {
        status = "open"
      } else if statusRoll < 85 {
        status = "closed"
      } else {
        status = "draft"
      }
      let fields: JSONObject = [
        "title": .string(random.pick(SandboxSeedText.openingTitles)),
        "status": .string(status),
        "department": optional(SandboxSeedText.departments, nullChance: 0.1, &random),
        "location": optional(SandboxSeedText.locations, nullChance: 0.1, &random),
        "description": optional(SandboxSeedText.descriptions, nullChance: 0.1, &random),
        "created_at": timestamp(created),
        "updated_at": timestamp(updated),
      ]
      return Dated(time: created, fields: fields)
    }
  }

  /// Candidates for openings numbered in the order of `openingTimes`.
  private static func makeCandidates(
    _ count: Int, openingTimes: [Int64], random: inout SandboxRandom
  ) -> [Dated] {
    let groups = SandboxSeedText.nameGroups
    let totalWeight = groups.reduce(0) { $0 + $1.weight }
    return (0..<count).map { number in
      let openingIndex = random.below(openingTimes.count)
      let created = openingTimes[openingIndex] + Int64(random.within(60...60 * 24 * 3600)) * second
      var roll = random.below(totalWeight)
      let group =
        groups.first { group in
          defer { roll -= group.weight }
          return roll < group.weight
        } ?? groups[0]
      let givenName = random.pick(group.givenNames)
      let familyName = random.pick(group.familyNames)
      let domain = random.chance(0.5) ? "example.com" : "example.org"
      var phone = JSONValue.null
      if random.chance(0.8) {
        let digits = random.below(100)
        let format = random.pick(SandboxSeedText.phoneFormats)
        phone = .string(format.replacingAll("XX", with: digits < 10 ? "0\(digits)" : "\(digits)"))
      }
      let fields: JSONObject = [
        "first_name": .string(givenName.written),
        "last_name": .string(familyName.written),
        "email": .string("\(givenName.ascii).\(familyName.ascii).\(number + 1)@\(domain)"),
        "phone": phone,
        "opening": .number(String(openingIndex + 1)),
        "stage": optional(SandboxSeedText.stages, nullChance: 0.1, &random),
        "source": optional(SandboxSeedText.sources, nullChance: 0.15, &random),
        "created_at": timestamp(created),
        "updated_at": timestamp(created + Int64(random.below(20 * 24 * 3600)) * second),
      ]
      return Dated(time: created, fields: fields)
    }
  }

  private static func makeChildren(
    _ resource: SandboxResource, of candidate: Dated, random: inout SandboxRandom
  ) -> [Dated] {
    let maximum: Int
    switch resource {
    case .candidateMessages: maximum = 3
    case .evaluations: maximum = 1
    default: maximum = 2
    }
    guard let candidateID = candidate.fields["id"] else { return [] }
    var firstName = ""
    if case .string(let name) = candidate.fields["first_name"] { firstName = name }
    return (0..<random.within(0...maximum)).map { _ in
      let time = candidate.time + Int64(random.within(60...30 * 24 * 3600)) * second
      var fields: JSONObject = ["candidate": candidateID]
      switch resource {
      case .candidateMessages:
        fields["subject"] = .string(random.pick(SandboxSeedText.messageSubjects))
        let body = random.pick(SandboxSeedText.messageBodies)
        fields["body"] = .string(body.replacingAll("{name}", with: firstName))
        fields["sent_at"] = timestamp(time)
      case .internalNotes:
        fields["body"] = .string(random.pick(SandboxSeedText.noteBodies))
      case .interviews:
        fields["scheduled_at"] =
          random.chance(0.15) ? .null : timestamp(time + Int64(random.within(1...14)) * day)
        fields["interviewer"] = optional(SandboxSeedText.interviewers, nullChance: 0.1, &random)
        fields["notes"] = optional(SandboxSeedText.interviewNotes, nullChance: 0.3, &random)
      case .reviews:
        fields["rating"] = optional(SandboxSeedText.ratings, nullChance: 0.1, &random)
        fields["comments"] = optional(SandboxSeedText.reviewComments, nullChance: 0.2, &random)
        fields["reviewer"] = optional(SandboxSeedText.interviewers, nullChance: 0.1, &random)
      case .evaluations:
        fields["result"] = optional(SandboxSeedText.evaluationResults, nullChance: 0.1, &random)
        fields["notes"] = optional(SandboxSeedText.evaluationNotes, nullChance: 0.3, &random)
      case .todos:
        fields["title"] = .string(random.pick(SandboxSeedText.todoTitles))
        fields["due_date"] =
          random.chance(0.2)
          ? .null
          : .string(SandboxTimestamp.date(milliseconds: time + Int64(random.within(1...21)) * day))
        fields["completed"] = .bool(random.chance(0.4))
      case .openings, .candidates:
        break
      }
      if resource != .candidateMessages { fields["created_at"] = timestamp(time) }
      return Dated(time: time, fields: fields)
    }
  }

  private static func optional(
    _ values: [String], nullChance: Double, _ random: inout SandboxRandom
  ) -> JSONValue {
    random.chance(nullChance) ? .null : .string(random.pick(values))
  }

  private static func timestamp(_ milliseconds: Int64) -> JSONValue {
    .string(SandboxTimestamp.dateTime(milliseconds: milliseconds))
  }
}
