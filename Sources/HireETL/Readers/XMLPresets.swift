/// A ready-made reading of a common job feed format: which elements are records and which
/// fields to read from each.
///
/// Field names are the same across presets where the meaning is: `title`, `description`,
/// `company`, `category` (the department), `city`, `state`, `country`, `postalcode`, `location`
/// and `url`, so a `map:` for openings reads alike whatever the feed.
public struct XMLPreset: Sendable {
  public var name: String
  public var record: String
  /// The field that identifies a record, used to name records in messages.
  public var keyField: String
  public var namespaces: [String: String] = [:]
  public var fields: [XMLFieldSpec]
  /// Whether the record's attributes and the child elements no field reads become fields too.
  public var passThrough = false
  /// The attribute that contains an element's value when the element has no text.
  public var valueAttribute: String?
  /// Field sets for records in particular namespaces, which replace `fields` there.
  public var fieldsByNamespace: [String: [XMLFieldSpec]] = [:]

  /// Returns the fields for a record element in `namespace` (empty for none).
  public func fields(forNamespace namespace: String) -> [XMLFieldSpec] {
    fieldsByNamespace[namespace] ?? fields
  }

  public static let all: [XMLPreset] = [indeed, linkedin, hrXML, simplyHired]
  public static let names = all.map(\.name)

  public static func named(_ name: String) -> XMLPreset? {
    all.first { $0.name == name }
  }

  /// Indeed's XML feed: `<source>` with one `<job>` per opening, each value a child element,
  /// usually in CDATA. Other child elements pass through under their own names.
  public static let indeed = XMLPreset(
    name: "indeed", record: "source/job", keyField: "referencenumber",
    fields: [
      "title", "date", "referencenumber", "requisitionid", "url", "company", "sourcename",
      "city", "state", "country", "postalcode", "streetaddress", "email", "description",
      "salary", "education", "jobtype", "category", "experience", "expirationdate", "remotetype",
    ].map { XMLFieldSpec($0, $0) },
    passThrough: true)

  /// LinkedIn's job XML feed: `<source>` with one `<job>` per opening, keyed by
  /// `partnerJobId`. Other child elements pass through under their own names.
  public static let linkedin = XMLPreset(
    name: "linkedin", record: "source/job", keyField: "partnerJobId",
    fields: [
      "partnerJobId", "company", "companyId", "title", "description", "applyUrl", "location",
      "city", "state", "country", "postalcode", "jobtype", "workplaceTypes", "experienceLevel",
      "listDate", "expirationDate",
    ].map { XMLFieldSpec($0, $0) } + [
      XMLFieldSpec("jobFunctions", ["jobFunctions/jobFunction"], separator: ", "),
      XMLFieldSpec("industryCodes", ["industryCodes/industryCode"], separator: ", "),
    ],
    passThrough: true)

  /// HR-XML `PositionOpening` documents, in version 2 (namespace `http://ns.hr-xml.org`, or
  /// none) or version 3 (`http://www.hr-xml.org/3`), wherever they sit in the document.
  /// Names match in any namespace because producers put the OAGIS address elements of version
  /// 3 in either one. Single values come from the first element that has one; the parts of a
  /// description are joined with blank lines, and `location` lists every location.
  public static let hrXML = XMLPreset(
    name: "hr-xml", record: "//{*}PositionOpening", keyField: "id",
    fields: hrXML2Fields,
    fieldsByNamespace: ["http://www.hr-xml.org/3": hrXML3Fields])

  private static func anyNamespace(_ path: String) -> String {
    path.split(separator: "/").map { "{*}" + $0 }.joined(separator: "/")
  }

  private static func first(_ name: String, _ paths: String...) -> XMLFieldSpec {
    XMLFieldSpec(name, paths.map(anyNamespace), first: true)
  }

  private static let hrXML2Fields: [XMLFieldSpec] = {
    let address = "PositionProfile/PositionDetail/PhysicalLocation/PostalAddress/"
    return [
      first("id", "PositionRecordInfo/Id/IdValue"),
      first("title", "PositionProfile/PositionDetail/PositionTitle"),
      first(
        "company", "PositionProfile/Organization/OrganizationName",
        "PositionProfile/PositionDetail/Company/Name"),
      first("city", address + "Municipality"),
      first("state", address + "Region"),
      first("country", address + "CountryCode"),
      first("postalcode", address + "PostalCode"),
      XMLFieldSpec(
        "location", [anyNamespace("PositionProfile/PositionDetail/PhysicalLocation/PostalAddress")],
        parts: ["Municipality", "Region", "CountryCode"].map(anyNamespace), separator: "; "),
      XMLFieldSpec(
        "description", [anyNamespace("PositionProfile/FormattedPositionDescription/Value")]),
      first("category", "PositionProfile/PositionDetail/JobCategory/CategoryCode"),
      first("jobtype", "PositionProfile/PositionDetail/PositionSchedule"),
      first(
        "url", "PositionProfile/HowToApply/ApplicationMethod/InternetWebAddress",
        "PositionPostings/PositionPosting/Link"),
    ]
  }()

  private static let hrXML3Fields: [XMLFieldSpec] = {
    let address = "PositionProfile/PositionLocation/Address/"
    return [
      first("id", "DocumentID"),
      first("status", "PositionOpeningStatusCode"),
      first("title", "PositionProfile/PositionTitle"),
      first(
        "company", "PositionProfile/PositionOrganization/OrganizationIdentifiers/OrganizationName"),
      first("city", address + "CityName"),
      first("state", address + "CountrySubDivisionCode"),
      first("country", address + "CountryCode"),
      first("postalcode", address + "PostalCode"),
      XMLFieldSpec(
        "location", [anyNamespace("PositionProfile/PositionLocation/Address")],
        parts: ["CityName", "CountrySubDivisionCode", "CountryCode"].map(anyNamespace),
        separator: "; "),
      XMLFieldSpec(
        "description", [anyNamespace("PositionProfile/PositionFormattedDescription/Content")]),
      first("category", "PositionProfile/JobCategoryCode"),
      first("jobtype", "PositionProfile/PositionScheduleTypeCode"),
      first("closedate", "PositionProfile/ApplicationCloseDate"),
      first("quantity", "PositionProfile/PositionOpenQuantity"),
    ]
  }()

  /// SimplyHired's job feed: `<jobs>` with one `<job>` per opening. The description, location,
  /// company and pay are nested elements, and a value is an element's text or, when that is
  /// empty, its `value` attribute.
  public static let simplyHired = XMLPreset(
    name: "simplyhired", record: "jobs/job", keyField: "jobcode",
    fields: [
      XMLFieldSpec("title", "title"),
      XMLFieldSpec("jobcode", "job-code"),
      XMLFieldSpec("url", "detail-url"),
      XMLFieldSpec("applyurl", "apply-url"),
      XMLFieldSpec("category", "job-category"),
      XMLFieldSpec("description", "description/summary"),
      XMLFieldSpec("education", "description/required-education"),
      XMLFieldSpec("experience", "description/required-experience"),
      XMLFieldSpec("skills", "description/required-skills"),
      XMLFieldSpec("company", "company/name"),
      XMLFieldSpec("companyurl", "company/url"),
      XMLFieldSpec("industry", "company/industry"),
      XMLFieldSpec("address", "location/address"),
      XMLFieldSpec("city", "location/city"),
      XMLFieldSpec("state", "location/state"),
      XMLFieldSpec("postalcode", "location/zip"),
      XMLFieldSpec("country", "location/country"),
      XMLFieldSpec("location", ["location"], parts: ["city", "state", "country"], separator: "; "),
      XMLFieldSpec("salary", ["compensation/salary-range", "compensation/salary-amount"]),
      XMLFieldSpec("posteddate", "posted-date"),
      XMLFieldSpec("closedate", "close-date"),
    ],
    valueAttribute: "value")
}
