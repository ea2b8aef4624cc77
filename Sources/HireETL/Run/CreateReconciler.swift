/// Looks in the API for a record whose create may have happened although no success response
/// arrived, so that the run adopts its id instead of creating it a second time.
///
/// Openings are listed with the `status` filter when the payload has a status, and match on
/// `title`, and on `department` and `location` when the payload has them.
/// Candidates are listed with the `opening` filter and match on `email` (ignoring case), or on
/// first and last name when the payload has no e-mail address. Records whose id is already in
/// the crosswalk are passed over, so two source records with equal fields get two records.
/// So are records whose `created_at` lies more than `clockSkew` before the create was sent,
/// because the create cannot have made them.
///
/// NOTE: a record made outside this job with the same fields, around the time of the create,
/// can still be adopted in place of one whose create never happened, because the list
/// endpoints offer no field that distinguishes them.
struct CreateReconciler {
  let client: APIClient
  let resource: String
  let pageSize: Int

  /// The maximum number of list pages read for one record.
  static let maximumPages = 1000

  /// The difference allowed between this machine's clock and the API's, in milliseconds.
  static let clockSkew: Int64 = 10 * 60 * 1000

  /// Returns the id of a record matching `body` that is not in `taken` and was not created
  /// before `sentAt` (milliseconds since 1970, less `clockSkew`), or nil when there is none.
  func find(_ body: JSONObject, excluding taken: Set<Int64>, sentAt: Int64) throws(APIError)
    -> Int64?
  {
    let earliest = sentAt - Self.clockSkew
    var filter: [(String, String)] = []
    if resource == "candidates" {
      guard case .number(let opening)? = body["opening"] else { return nil }
      filter.append(("opening", opening))
    } else if case .string(let status)? = body["status"] {
      // A new opening has the status it was sent with, so only that status is listed.
      filter.append(("status", status))
    }
    // NOTE: each record reconciled reads the list from the start, so the requests grow with the
    // number of records in the account (one per `page_size` records).
    var offset = 0
    for _ in 0..<Self.maximumPages {
      let page = try client.get(
        "/\(resource)", query: filter + [("limit", String(pageSize)), ("offset", String(offset))])
      guard case .object(let envelope) = page, case .array(let results)? = envelope["results"]
      else {
        throw .invalidResponse(
          status: 200, reason: "the list has no `results` array", bodyPrefix: "")
      }
      for case .object(let record) in results {
        guard case .number(let text)? = record["id"], let id = Int64(text), !taken.contains(id)
        else { continue }
        if let created = Self.string(record["created_at"]),
          let milliseconds = ChangeTime.milliseconds(of: created), milliseconds < earliest
        {
          continue
        }
        if matches(record, body) { return id }
      }
      offset += results.count
      guard !results.isEmpty, case .string? = envelope["next"] else { return nil }
    }
    return nil
  }

  private func matches(_ record: JSONObject, _ body: JSONObject) -> Bool {
    if resource == "openings" {
      return ["title", "department", "location"].allSatisfy { name in
        guard case .string(let sent)? = body[name] else { return name != "title" }
        return Self.string(record[name]) == sent
      }
    }
    if case .string(let email)? = body["email"], !email.isEmpty {
      return Self.string(record["email"])?.lowercased() == email.lowercased()
    }
    return ["first_name", "last_name"].allSatisfy { name in
      Self.string(record[name]) == Self.string(body[name])
    }
  }

  private static func string(_ value: JSONValue?) -> String? {
    if case .string(let text)? = value { return text }
    return nil
  }
}
