import Testing

@testable import HireETL

/// Returns every string value in every record of `data`.
private func allText(_ data: SandboxData) -> [String] {
  SandboxResource.allCases.flatMap { resource in
    data[resource].records.flatMap { record in
      record.values.compactMap { value -> String? in
        guard case .string(let text) = value else { return nil }
        return text
      }
    }
  }
}

private func integerField(_ record: JSONObject, _ name: String) -> Int? {
  guard case .number(let literal)? = record[name] else { return nil }
  return Int(literal)
}

private func stringField(_ record: JSONObject, _ name: String) -> String? {
  guard case .string(let text)? = record[name] else { return nil }
  return text
}

struct SandboxSeedTests {
  @Test func sameNumberGivesSameData() {
    #expect(SandboxSeeder.generate(candidates: 300) == SandboxSeeder.generate(candidates: 300))
    #expect(SandboxSeeder.generate(candidates: 300) != SandboxSeeder.generate(candidates: 301))
  }

  @Test(arguments: [(0, 0), (1, 1), (10, 4), (100, 10), (1000, 32), (1_000_000, 500)])
  func openingCountGrowsWithSquareRoot(_ candidates: Int, _ openings: Int) {
    #expect(SandboxSeeder.openingCount(forCandidates: candidates) == openings)
  }

  @Test func zeroCandidatesGivesEmptyData() {
    let data = SandboxSeeder.generate(candidates: 0)
    #expect(SandboxResource.allCases.allSatisfy { data[$0].count == 0 })
  }

  @Test func recordsAreLinked() {
    let data = SandboxSeeder.generate(candidates: 400)
    #expect(data[.openings].count == 20)
    #expect(data[.candidates].count == 400)
    let openingIDs = Set(data[.openings].records.compactMap { integerField($0, "id") })
    let candidateIDs = Set(data[.candidates].records.compactMap { integerField($0, "id") })
    #expect(candidateIDs == Set(1...400))
    for candidate in data[.candidates].records {
      #expect(openingIDs.contains(integerField(candidate, "opening") ?? 0))
    }
    for resource in SandboxResource.candidateChildren {
      #expect(data[resource].count > 0, "\(resource)")
      for record in data[resource].records {
        #expect(candidateIDs.contains(integerField(record, "candidate") ?? 0), "\(resource)")
      }
    }
  }

  @Test func idsRiseWithCreationTime() {
    let data = SandboxSeeder.generate(candidates: 200)
    for resource in SandboxResource.allCases {
      let timeField = resource == .candidateMessages ? "sent_at" : "created_at"
      let times = data[resource].records.compactMap { stringField($0, timeField) }
      #expect(times.count == data[resource].count, "\(resource)")
      #expect(times == times.sorted(), "\(resource)")
      let ids = data[resource].records.compactMap { integerField($0, "id") }
      #expect(ids == Array(1..<(ids.count + 1)), "\(resource)")
    }
  }

  @Test func candidatesCreatedAfterTheirOpening() {
    let data = SandboxSeeder.generate(candidates: 200)
    var openingCreated: [Int: String] = [:]
    for opening in data[.openings].records {
      openingCreated[integerField(opening, "id")!] = stringField(opening, "created_at")
    }
    for candidate in data[.candidates].records {
      let opened = openingCreated[integerField(candidate, "opening")!]!
      #expect(stringField(candidate, "created_at")! > opened)
      #expect(stringField(candidate, "updated_at")! >= stringField(candidate, "created_at")!)
    }
  }

  @Test func contactDetailsAreFictional() {
    let data = SandboxSeeder.generate(candidates: 300)
    for candidate in data[.candidates].records {
      let email = stringField(candidate, "email") ?? ""
      #expect(email.hasSuffix("@example.com") || email.hasSuffix("@example.org"), "\(email)")
      #expect(EmailAddress.isValid(email), "\(email)")
      if let phone = stringField(candidate, "phone") {
        #expect(phone.contains("555-01") || phone.contains("555 01"), "\(phone)")
      }
    }
  }

  @Test func textIsHardForImporters() {
    let text = allText(SandboxSeeder.generate(candidates: 500))
    func some(_ description: Comment, _ condition: (String) -> Bool) {
      let found = text.contains(where: condition)
      #expect(found, description)
    }
    some("a comma") { $0.contains(",") }
    some("a double quote") { $0.contains("\"") }
    some("an apostrophe") { $0.contains("'") }
    some("a line break") { $0.contains("\n") }
    some("HTML") { $0.contains("<p>") }
    some("Greek") { $0.unicodeScalars.contains { (0x0370...0x03FF).contains($0.value) } }
    some("Cyrillic") { $0.unicodeScalars.contains { (0x0400...0x04FF).contains($0.value) } }
    some("CJK") { $0.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }
    some("Hangul") { $0.unicodeScalars.contains { (0xAC00...0xD7AF).contains($0.value) } }
    some("Arabic") { $0.unicodeScalars.contains { (0x0600...0x06FF).contains($0.value) } }
    some("an emoji") { $0.unicodeScalars.contains { $0.properties.isEmojiPresentation } }
  }

  @Test func seededRecordsServeThroughTheAPI() throws {
    let server = try startTestSandbox(seed: 50)
    defer { try? server.stop() }
    let counts = Dictionary(
      uniqueKeysWithValues: server.recordCounts.map { ($0.resource, $0.count) })
    let client = SandboxTestClient(server)
    for resource in SandboxResource.allCases {
      let response = try client.request("GET", api("/\(resource.rawValue)?limit=1"))
      #expect(integerMember(response.object, "count") == counts[resource.rawValue], "\(resource)")
    }
  }
}

struct SandboxTimestampTests {
  @Test(arguments: [
    (0, 1970, 1, 1), (-1, 1969, 12, 31), (59, 1970, 3, 1), (11_016, 2000, 2, 29),
    (19_782, 2024, 2, 29), (19_783, 2024, 3, 1), (-719_468, 0, 3, 1), (2_932_896, 9999, 12, 31),
  ])
  func civilDate(_ days: Int, _ year: Int, _ month: Int, _ day: Int) {
    let date = SandboxTimestamp.civilDate(daysSinceEpoch: days)
    #expect(date.year == year)
    #expect(date.month == month)
    #expect(date.day == day)
  }

  @Test func formats() {
    let instant: Int64 = 1_709_647_620_250
    #expect(SandboxTimestamp.dateTime(milliseconds: instant) == "2024-03-05T14:07:00.250Z")
    #expect(SandboxTimestamp.date(milliseconds: instant) == "2024-03-05")
    #expect(SandboxTimestamp.httpDate(milliseconds: instant) == "Tue, 05 Mar 2024 14:07:00 GMT")
    #expect(SandboxTimestamp.httpDate(milliseconds: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
    #expect(SandboxTimestamp.dateTime(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
  }

  @Test func consecutiveDaysAreConsecutiveDates() {
    var previous = SandboxTimestamp.civilDate(daysSinceEpoch: -150_001)
    for days in -150_000...150_000 {
      let date = SandboxTimestamp.civilDate(daysSinceEpoch: days)
      let lastDay = DateConversion.daysInMonth(previous.month, year: previous.year)
      let expected =
        previous.day < lastDay
        ? (previous.year, previous.month, previous.day + 1)
        : previous.month < 12 ? (previous.year, previous.month + 1, 1) : (previous.year + 1, 1, 1)
      if date != expected {
        Issue.record("day \(days) is \(date), expected \(expected)")
        return
      }
      previous = date
    }
  }
}
