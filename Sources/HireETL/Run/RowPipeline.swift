import Dispatch
import Synchronization

/// Reads CSV rows on one thread, maps, validates and encodes them on worker threads, and hands
/// the batches back in input order. The caller (the step's main thread) checks keys, writes and
/// rejects, so everything that depends on order stays on one thread.
///
/// A fixed pool of batches bounds memory: the reading thread waits for a free batch, and the
/// workers wait for filled ones.
final class RowPipeline: @unchecked Sendable {
  private let reader: RecordReader
  private var pending: SourceRecord?
  private let limit: Int?
  private let batchSize: Int

  private let free: Mutex<[RowBatch]>
  private let freeCount: DispatchSemaphore
  private let work = Mutex<[RowBatch]>([])
  private let workCount = DispatchSemaphore(value: 0)
  private let done = Mutex<[Int: RowBatch]>([:])
  private let doneSignal = DispatchSemaphore(value: 0)
  private let stopped = Atomic<Bool>(false)
  private let threads = DispatchGroup()
  private let workerCount: Int
  private var nextSequence = 0
  /// The validators the workers used, so the step can report fields none of them knew.
  let validators: [Validator?]
  /// One mapper a worker, each bound on its own: sharing one would make both threads update the
  /// same reference counts for every row.
  private let mappers: [Mapper]
  /// The caller's own record and encoder for the batches it encodes while waiting.
  private var callerOutput = OutputRecord(names: [])
  private var callerEncoder = JSONLineEncoder()

  /// Starts the threads. `first` is the record the caller already read to bind the mapping.
  ///
  /// Every batch handed between threads costs semaphore waits and context switches. On the
  /// csv-to-jsonl benchmark (1,000,000 rows, 2-core VM, 15 interleaved runs), 2,048-row
  /// batches ran about 5% faster than 1,024-row ones and raised the peak RSS by about 0.5 MiB.
  init(
    reader: RecordReader, first: SourceRecord, mapper: Mapper, schema: Schema?, limit: Int?,
    workers: Int, batchSize: Int = 2048
  ) {
    self.reader = reader
    self.pending = first
    self.limit = limit
    self.batchSize = batchSize
    self.workerCount = workers
    let pool = (0..<(workers * 2 + 2)).map { _ in RowBatch(rowCapacity: batchSize) }
    free = Mutex(pool)
    freeCount = DispatchSemaphore(value: pool.count)
    // One more mapper and validator than workers: the caller's thread encodes too while it
    // would otherwise wait.
    validators = (0...workers).map { _ in schema.map { Validator(schema: $0) } }
    mappers = (0...workers).map { _ in
      let copy = Mapper(mappings: mapper.mappings)
      // The lookup closure reads a snapshot that never changes, so the workers may share it.
      copy.lookup = mapper.lookup
      if case .cells(let cells) = first.content {
        // The caller bound the same header before starting the pipeline, so this cannot fail.
        try? copy.bind(header: cells.header)
      }
      return copy
    }
    let callerMapper = mappers[workers]
    let callerNames = callerMapper.outputNames ?? []
    callerOutput = OutputRecord(
      names: validators[workers]?.completedNames(callerNames) ?? callerNames)
    // Queues of their own, not the global pool: their threads block on semaphores, and the
    // global pool does not start more threads than cores while some of them wait.
    threads.enter()
    DispatchQueue(label: "hire-etl.rows.read").async { [self] in
      readBatches()
      threads.leave()
    }
    for worker in 0..<workers {
      threads.enter()
      DispatchQueue(label: "hire-etl.rows.encode.\(worker)").async { [self] in
        encodeBatches(mapper: mappers[worker], validator: validators[worker])
        threads.leave()
      }
    }
  }

  /// Waits for the batch with this sequence number, encoding waiting batches on this thread in
  /// the meantime, so the caller's core does not sit idle while the workers are behind.
  func batch(_ sequence: Int) -> RowBatch {
    while true {
      if let batch = done.withLock({ $0.removeValue(forKey: sequence) }) { return batch }
      if let waiting = work.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
        // The worker that this batch's signal wakes finds the queue empty and waits again.
        encode(
          waiting, mapper: mappers[workerCount], validator: validators[workerCount],
          output: &callerOutput, encoder: &callerEncoder)
        done.withLock { $0[waiting.sequence] = waiting }
        continue
      }
      doneSignal.wait()
    }
  }

  /// Returns a batch the caller has finished with to the pool.
  func recycle(_ batch: RowBatch) {
    batch.reset()
    free.withLock { $0.append(batch) }
    freeCount.signal()
  }

  /// Stops every thread and waits for them, so the reader is no longer in use.
  func stop() {
    stopped.store(true, ordering: .relaxed)
    freeCount.signal()
    for _ in 0..<workerCount { workCount.signal() }
    threads.wait()
  }

  private var isStopped: Bool { stopped.load(ordering: .relaxed) }

  private func readBatches() {
    var total = 0
    while true {
      freeCount.wait()
      if isStopped { return }
      guard let batch = free.withLock({ $0.popLast() }) else { continue }
      batch.sequence = nextSequence
      nextSequence += 1
      fill(batch, total: &total)
      batch.statistics = reader.statistics
      let last = batch.finished
      work.withLock { $0.append(batch) }
      workCount.signal()
      if last { return }
    }
  }

  private func fill(_ batch: RowBatch, total: inout Int) {
    let csv = reader as? CSVReader
    do {
      while batch.count < batchSize {
        if let limit, total >= limit {
          batch.finished = true
          return
        }
        if let first = pending {
          batch.append(first)
          pending = nil
          total += 1
        } else if let csv {
          let rowsLeft = min(batchSize - batch.count, (limit ?? Int.max) - total)
          let before = batch.count
          let more = try csv.readRows(into: batch, maxRows: rowsLeft)
          total += batch.count - before
          if !more {
            batch.finished = true
            return
          }
        } else {
          guard let next = try reader.next() else {
            batch.finished = true
            return
          }
          batch.append(next)
          total += 1
        }
      }
    } catch {
      batch.failure = error
      batch.finished = true
    }
  }

  private func encodeBatches(mapper: Mapper, validator: Validator?) {
    var output = OutputRecord(
      names: validator?.completedNames(mapper.outputNames ?? []) ?? mapper.outputNames ?? [])
    var encoder = JSONLineEncoder()
    while true {
      workCount.wait()
      if isStopped { return }
      guard let batch = work.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
      encode(batch, mapper: mapper, validator: validator, output: &output, encoder: &encoder)
      done.withLock { $0[batch.sequence] = batch }
      doneSignal.signal()
    }
  }

  private func encode(
    _ batch: RowBatch, mapper: Mapper, validator: Validator?, output: inout OutputRecord,
    encoder: inout JSONLineEncoder
  ) {
    guard let header = batch.header else { return }
    for index in 0..<batch.count {
      var problems = batch.readerProblems(index)
      var mappingCount = 0
      if problems.isEmpty {
        mapper.mapRow(batch.row(index), header: header, into: &output, problems: &problems)
        mappingCount = problems.count
        validator?.validate(&output, problems: &problems)
        if problems.isEmpty { encoder.encode(output, into: batch.encoded) }
      }
      batch.encodedEnds.append(batch.encoded.count)
      if !problems.isEmpty { batch.reject(index, problems: problems, mappingCount: mappingCount) }
    }
  }
}
