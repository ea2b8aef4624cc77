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
    # A hire-etl job that exports candidates from the API into files a warehouse loads.
    # Check it with `hire-etl check FILE`, run it with `hire-etl run FILE`.
    version: 1
    name: nightly-export

    api:
      base_url: sandbox                 # or https://ACCOUNT.hire.trakstar.com/api/v2
      sandbox_seed: 200                 # the local sandbox starts with 200 made-up candidates
      # api_key: ${HIRE_API_KEY}        # needed for a real account
      page_size: 100                    # records per list page; the API allows at most 100

    steps:
      - name: candidates
        read:
          resource: candidates          # any of the eight list endpoints
          since: last_run               # only records created or changed since the last run
        write:
          # {run} gives each run a file of its own. A since: last_run step never replaces
          # a file, so with {date} a second run on the same day would stop with exit status 2.
          path: warehouse/candidates-{run}.csv

    """
}
