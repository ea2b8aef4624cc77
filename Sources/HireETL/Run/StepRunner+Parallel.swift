import Glibc

extension StepRunner {
  /// True when the step can use the row pipeline: CSV in, JSON Lines out, a real run, and a
  /// second core to run on.
  var canProcessInParallel: Bool {
    input.format == .csv && !options.dryRun
      && (options.parallelRows ?? (onlineProcessorCount() > 1))
  }

  /// Encoding threads beside the reading one: one core each, leaving the reading thread a core
  /// of its own. On 2 cores, two workers were slower than one (0.50 s against 0.40 s for the
  /// 1,000,000-row benchmark), because four busy threads then share two cores.
  static var workerCount: Int {
    max(1, min(4, onlineProcessorCount() - 1))
  }

  /// Runs the step with parsing and encoding on other threads; checks keys, writes, rejects and
  /// reports here, in input order, exactly as `process` does.
  func processInParallel(
    _ reader: RecordReader, writer: JSONLinesRecordWriter, rejects: RejectsWriter?, started: Double
  ) throws(RunAbort) {
    var first: SourceRecord?
    if options.limit != 0 {
      do {
        first = try reader.next()
      } catch {
        throw .failure(error.description)
      }
    }
    guard let first else {
      try finish(
        reader.statistics, columnNames: reader.columnNames, unknownFields: [], writer: writer,
        rejects: rejects)
      return
    }
    if case .cells(let cells) = first.content { try bind(cells.header) }
    let pipeline = RowPipeline(
      reader: reader, first: first, mapper: mapper, schema: step.schema, limit: options.limit,
      workers: options.rowWorkers ?? Self.workerCount)
    var statistics = ReaderStatistics()
    do throws(RunAbort) {
      statistics = try consume(pipeline, writer: writer, rejects: rejects, started: started)
    } catch {
      pipeline.stop()
      throw error
    }
    pipeline.stop()
    var unknown: [String] = []
    for validator in pipeline.validators {
      for field in validator?.unknownFields ?? [] where !unknown.contains(field) {
        unknown.append(field)
      }
    }
    try finish(
      statistics, columnNames: nil, unknownFields: unknown, writer: writer, rejects: rejects)
  }

  /// Takes the batches in order until the last one; returns the reader's final statistics.
  private func consume(
    _ pipeline: RowPipeline, writer: JSONLinesRecordWriter, rejects: RejectsWriter?,
    started: Double
  ) throws(RunAbort) -> ReaderStatistics {
    var lastProgress = started
    var sequence = 0
    while true {
      if Interruption.requested { throw .interrupted }
      let batch = pipeline.batch(sequence)
      sequence += 1
      try writeRows(of: batch, writer: writer, rejects: rejects)
      let statistics = batch.statistics
      lastProgress = reportProgress(statistics, started: started, last: lastProgress)
      let failure = batch.failure
      let finished = batch.finished
      pipeline.recycle(batch)
      if let failure { throw .failure(failure.description) }
      if finished {
        if Interruption.requested { throw .interrupted }
        return statistics
      }
    }
  }

  private func writeRows(
    of batch: RowBatch, writer: JSONLinesRecordWriter, rejects: RejectsWriter?
  ) throws(RunAbort) {
    if step.key.isEmpty && batch.allPassed {
      // The common case: every row passed, so the batch's lines go out in one write.
      do {
        try writer.writeEncoded(batch.encoded.bytes(0..<batch.encoded.count))
      } catch {
        throw .failure(error.description)
      }
      report.read += batch.count
      report.valid += batch.count
      report.written += batch.count
      return
    }
    var lineStart = 0
    for index in 0..<batch.count {
      report.read += 1
      var problems = batch.problems(index)
      if !step.key.isEmpty && batch.readerProblems(index).isEmpty {
        var keyProblems: [RecordProblem] = []
        checkKey(row: batch.row(index), line: batch.lines[index], problems: &keyProblems)
        problems.insert(contentsOf: keyProblems, at: batch.mappingProblemCount(index))
      }
      let lineEnd = batch.encodedEnds[index]
      if problems.isEmpty {
        do {
          try writer.writeEncoded(batch.encoded.bytes(lineStart..<lineEnd))
        } catch {
          throw .failure(error.description)
        }
        report.valid += 1
        report.written += 1
      } else {
        try reject(batch.sourceRecord(index), problems: problems, into: rejects)
      }
      lineStart = lineEnd
    }
  }
}
