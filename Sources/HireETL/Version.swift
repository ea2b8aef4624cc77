/// The version printed by `hire-etl --version` and written into reports.
public let hireETLVersion = "0.1.0"
