/// The job files `hire-etl init` writes.
enum StarterJobs {
  static let migration = """
    # A hire-etl job: check it with `hire-etl check FILE`, run it with `hire-etl run FILE`.
    # Relative paths are resolved against this file's folder.
    version: 1
    name: ats-migration

    steps:
      # Candidates exported from another ATS, checked against the API's CandidateInput rules.
      - name: candidates
        read:
          path: exports/candidates.csv    # .csv .tsv .jsonl .ndjson .xml; `-` with `format:` for stdin
          # delimiter: auto               # sniffed among , ; tab |; an Excel sep= line wins
          # encoding: auto                # utf-8, falling back to windows-1252 on invalid bytes
        key: Email                        # a repeated key is rejected, naming the earlier line
        map:
          first_name: { field: Name, split_name: first }
          last_name: { field: Name, split_name: last }
          email: Email
          phone: { field: Phone, default: null }
          opening: { field: Posting ID, type: integer }
          source: { field: Source, values: { LinkedIn: LinkedIn, "*": Migrated }, default: Migrated }
        validate: candidate
        write:
          path: out/candidates.jsonl      # {date} {time} {step} {run} expand; .csv works too
        rejects: rejects/candidates.csv   # the original columns plus _row and _errors

    """

  static let export = """
    # A hire-etl job that turns an export file into files a warehouse loads.
    # Check it with `hire-etl check FILE`, run it with `hire-etl run FILE`.
    # NOTE: reading straight from the API (`read: { resource: candidates }`) is not in this
    # version yet; until it is, this job reads a JSON Lines dump.
    version: 1
    name: nightly-export

    steps:
      - name: candidates
        read:
          path: dumps/candidates.jsonl
        write:
          path: warehouse/candidates-{date}.csv
          excel_safe: true                # cells starting with = + - @ get a leading '

    """
}
