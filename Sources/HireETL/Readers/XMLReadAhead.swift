import Glibc

/// Runs an `XMLRecordStream` on a thread of its own and hands its records over in batches,
/// so that parsing the feed overlaps with mapping and writing the records on the caller's
/// thread.
///
/// The hand-over keeps at most `maxBatches` batches, and a batch closes at `batchRecords`
/// records or after `batchBytes` bytes of parsed input. Memory stays bounded because the
/// parsing thread waits while the caller is behind.
final class XMLReadAhead {
  /// The records the parsing thread hands over at once, with their text and counts.
  struct Batch {
    var records: [XMLRawRecord]
    /// The text of `records`.
    var arena: ByteBuffer
    var statistics: ReaderStatistics
    /// Set on the last batch: nil when the input ended, else the failure that stopped it.
    var end: ReaderFailure??
  }

  static let batchRecords = 256
  static let batchBytes = 1 << 20
  static let maxBatches = 4

  private let handOff: BatchHandOff
  private var current: Batch?
  private var position = 0
  private(set) var statistics = ReaderStatistics()

  /// Starts the parsing thread; nil when the system cannot start one.
  init?(_ stream: XMLRecordStream) {
    handOff = BatchHandOff(capacity: Self.maxBatches)
    let work = Unmanaged.passRetained(ParseWork(stream: stream, handOff: handOff))
    var thread = pthread_t()
    let status = pthread_create(
      &thread, nil,
      { context in
        let work = Unmanaged<ParseWork>.fromOpaque(context!).takeRetainedValue()
        work.run()
        return nil
      }, work.toOpaque())
    if status != 0 {
      work.release()
      return nil
    }
    // The thread owns what it uses, so nobody waits for it: a thread blocked reading standard
    // input would otherwise hold up the caller after an early stop such as `--limit`.
    pthread_detach(thread)
  }

  /// Stops the parsing thread at its next hand-over; it frees the stream when it ends.
  deinit {
    handOff.cancel()
  }

  /// Returns the next record, nil at the end of the input; throws the failure that stopped the
  /// parsing thread, after the records parsed before it.
  func next() throws(ReaderFailure) -> SourceRecord? {
    while true {
      if let batch = current {
        if position < batch.records.count {
          position += 1
          return batch.records[position - 1].sourceRecord(arena: batch.arena)
        }
        if let end = batch.end {
          if let failure = end { throw failure }
          return nil
        }
      }
      let batch = handOff.take()
      current = batch
      position = 0
      statistics = batch.statistics
    }
  }
}

/// The parsing thread's side: pulls records from the stream and puts them in batches.
private final class ParseWork: @unchecked Sendable {
  // The stream is used only on the parsing thread once the thread starts; the hand-off does its
  // own locking.
  private let stream: XMLRecordStream
  private let handOff: BatchHandOff

  init(stream: XMLRecordStream, handOff: BatchHandOff) {
    self.stream = stream
    self.handOff = handOff
  }

  func run() {
    while true {
      var records: [XMLRawRecord] = []
      let arena = ByteBuffer(capacity: XMLReadAhead.batchBytes / 2)
      var end: ReaderFailure??
      let startBytes = stream.bytesParsed
      repeat {
        do {
          guard let record = try stream.nextRaw(into: arena) else {
            end = .some(nil)
            break
          }
          records.append(record)
        } catch {
          end = .some(error)
        }
      } while end == nil && records.count < XMLReadAhead.batchRecords
        && stream.bytesParsed - startBytes < XMLReadAhead.batchBytes
      let batch = XMLReadAhead.Batch(
        records: records, arena: arena, statistics: stream.statistics, end: end)
      guard handOff.put(batch), end == nil else { return }
    }
  }
}

/// A bounded queue of batches between one producing and one consuming thread.
private final class BatchHandOff: @unchecked Sendable {
  // Every stored property below `lock` is read and written inside `lock.withLock`.
  private let lock = ConditionLock()
  private var batches: [XMLReadAhead.Batch] = []
  private var cancelled = false
  private let capacity: Int

  init(capacity: Int) {
    self.capacity = capacity
  }

  /// Adds a batch, waiting while the queue is full; false when the consumer has gone.
  func put(_ batch: XMLReadAhead.Batch) -> Bool {
    lock.withLock {
      while batches.count >= capacity && !cancelled { lock.wait() }
      if cancelled { return false }
      batches.append(batch)
      lock.broadcast()
      return true
    }
  }

  /// Removes the oldest batch, waiting while the queue is empty.
  func take() -> XMLReadAhead.Batch {
    lock.withLock {
      while batches.isEmpty { lock.wait() }
      let batch = batches.removeFirst()
      lock.broadcast()
      return batch
    }
  }

  /// Tells the producer to stop; it returns from `put` at once.
  func cancel() {
    lock.withLock {
      cancelled = true
      batches.removeAll()
      lock.broadcast()
    }
  }
}
