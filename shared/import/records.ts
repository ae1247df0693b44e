/**
 * The export's records, parsed by csv-parse, either in this thread or in a worker thread.
 *
 * Parsing is about half of the import's work per row and validation the other half, and both are
 * single-threaded JavaScript: with a second core, a worker that parses while this thread validates and
 * writes lifts the import from ~0.6x to ~1x csv-parse's own rate (npm run bench, import suite). The
 * worker runs csv-parse from node_modules with the same options; batches of records cross the thread
 * boundary (a structured clone of strings, cheap beside parsing them), at most a few batches ahead, so
 * memory stays flat. Where there is one core, or no node_modules to load csv-parse from (a bundled
 * Lambda), records are parsed in this thread: same records, same errors.
 */
import { parse, CsvError, type CsvErrorCode, type Options } from 'csv-parse';
import { createReadStream } from 'node:fs';
// A namespace import: bundles here carry a banner that declares `createRequire` itself.
import * as nodeModule from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** Past this a "row" is a runaway quote or not text at all: stop rather than buffer the file. */
const MAX_RECORD_BYTES = 4 * 1024 * 1024;

/**
 * How the export is parsed. Rows may end in CRLF, LF or CR, mixed within one file (concatenated
 * exports); a quoted field may hold any line break (measured: these three delimiters parse as fast as
 * csv-parse's detection of one, which would merge or corrupt rows of a mixed file). Empty lines are
 * kept as records (one empty field) so that line numbers count them. A short row is the row's problem
 * (rejected), not the file's.
 */
export const CSV_PARSE_OPTIONS = Object.freeze({
  bom: true,
  record_delimiter: ['\r\n', '\n', '\r'],
  relax_column_count: true,
  skip_empty_lines: false,
  max_record_size: MAX_RECORD_BYTES,
}) satisfies Options;

export interface RecordSource extends AsyncIterable<string[]> {
  /** Bytes of the input parsed so far (by a worker, possibly ahead of the records read). */
  readonly bytesParsed: number;
  /** The records those bytes hold: with bytesParsed, the input's bytes per record. */
  readonly recordsParsed: number;
  /** Stops reading (idempotent); the iterator ends or has ended. */
  close(): void;
}

export type ParseIn = 'thread' | 'worker';

/** A worker when there is a core for it and csv-parse can be loaded from node_modules; else this thread. */
export function defaultParseIn(): ParseIn {
  return availableParallelism() > 1 && csvParseModule() !== undefined ? 'worker' : 'thread';
}

/** Records of `input`; a CsvError for text that is not CSV, a Node error (with its code) for a file that cannot be read. */
export function recordsOf(input: string, parseIn: ParseIn = defaultParseIn()): RecordSource {
  const module = parseIn === 'worker' ? csvParseModule() : undefined;
  return module === undefined ? recordsInThread(input) : recordsInWorker(input, module);
}

function csvParseModule(): string | undefined {
  try {
    return nodeModule.createRequire(import.meta.url).resolve('csv-parse');
  } catch {
    return undefined;
  }
}

function recordsInThread(input: string): RecordSource {
  const stream = createReadStream(input);
  const parser = stream.pipe(parse(CSV_PARSE_OPTIONS));
  stream.on('error', (error) => parser.destroy(error));
  return {
    get bytesParsed() {
      return parser.info.bytes;
    },
    get recordsParsed() {
      return parser.info.records;
    },
    close: () => stream.destroy(),
    [Symbol.asyncIterator]: () => (parser as AsyncIterable<string[]>)[Symbol.asyncIterator](),
  };
}

/**
 * Records per message from the worker, how many messages it may send ahead of the reader, and a small
 * young generation for its heap: two isolates each growing a default heap would hold some 40 MiB more
 * over a 200k-row file than these (measured; throughput the same).
 */
const WORKER_BATCH = 500;
/** Long rows (up to max_record_size each) end a batch early: what is in flight stays bounded in bytes. */
const WORKER_BATCH_BYTES = 1024 * 1024;
const WORKER_AHEAD = 2;

/**
 * The worker's program, plain CommonJS so that it runs the same under tsx, jest and a bundle: it parses
 * and posts batches, waiting for a credit from the reader whenever WORKER_AHEAD are unread.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createReadStream } = require('node:fs');
const { parse, CsvError } = require(workerData.csvParse);
let credits = workerData.ahead;
let wake;
parentPort.on('message', () => {
  credits += 1;
  if (wake) { const resume = wake; wake = undefined; resume(); }
});
(async () => {
  const stream = createReadStream(workerData.input);
  const parser = stream.pipe(parse(workerData.options));
  stream.on('error', (error) => parser.destroy(error));
  let records = [];
  let postedBytes = 0;
  const post = async () => {
    if (credits === 0) await new Promise((resume) => (wake = resume));
    credits -= 1;
    postedBytes = parser.info.bytes;
    parentPort.postMessage({ records, bytes: postedBytes });
    records = [];
  };
  try {
    for await (const record of parser) {
      records.push(record);
      if (records.length >= workerData.batch || parser.info.bytes - postedBytes >= workerData.batchBytes) await post();
    }
    if (records.length) await post();
    parentPort.postMessage({ done: true });
  } catch (error) {
    // The records parsed before the error first, as csv-parse in one thread delivers them.
    if (records.length) parentPort.postMessage({ records, bytes: parser.info.bytes });
    parentPort.postMessage({ error: { csv: error instanceof CsvError, code: error && error.code, message: String(error && error.message) } });
  }
})();
`;

type WorkerMessage =
  | { records: string[][]; bytes: number; done?: undefined; error?: undefined }
  | { done: true; records?: undefined; error?: undefined }
  | { error: WorkerError; done?: undefined; records?: undefined };

interface WorkerError {
  /** Thrown by csv-parse (the text is not CSV), not by the file stream. */
  csv?: boolean;
  code?: string;
  message: string;
}

/** The worker's error as this thread would have seen it from csv-parse or the file stream. */
function rebuilt({ csv, code, message }: WorkerError): Error {
  // No contexts are passed, so csv-parse's constructor never reads the (normalised) options.
  if (csv) return new CsvError((code ?? 'CSV_INVALID_ARGUMENT') as CsvErrorCode, message, {} as never);
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

function recordsInWorker(input: string, csvParse: string): RecordSource {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // Not the parent's loaders (tsx): the program is plain JavaScript.
    execArgv: [],
    resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 },
    workerData: {
      input,
      csvParse,
      options: CSV_PARSE_OPTIONS,
      batch: WORKER_BATCH,
      batchBytes: WORKER_BATCH_BYTES,
      ahead: WORKER_AHEAD,
    },
  });
  const inbox: WorkerMessage[] = [];
  let waiting: ((message: WorkerMessage) => void) | undefined;
  let finished = false;
  let bytesParsed = 0;
  let recordsParsed = 0;
  const deliver = (message: WorkerMessage) => {
    if (waiting) {
      const take = waiting;
      waiting = undefined;
      take(message);
    } else inbox.push(message);
  };
  worker.on('message', deliver);
  worker.on('error', (error) => deliver({ error: { message: error.message } }));
  worker.on('exit', (code) => {
    if (!finished) deliver({ error: { message: `the CSV parser stopped (exit ${code})` } });
  });
  const close = () => {
    if (finished) return;
    finished = true;
    void worker.terminate();
  };
  const next = () =>
    inbox.length > 0
      ? Promise.resolve(inbox.shift() as WorkerMessage)
      : new Promise<WorkerMessage>((resolve) => (waiting = resolve));

  async function* records(): AsyncGenerator<string[]> {
    try {
      for (;;) {
        const message = await next();
        if (message.error) throw rebuilt(message.error);
        if (message.done) return;
        // A credit as soon as a batch is taken: the worker parses the next while this one is read.
        worker.postMessage(1);
        bytesParsed = message.bytes;
        recordsParsed += message.records.length;
        yield* message.records;
      }
    } finally {
      close();
    }
  }
  return {
    get bytesParsed() {
      return bytesParsed;
    },
    get recordsParsed() {
      return recordsParsed;
    },
    close,
    [Symbol.asyncIterator]: records,
  };
}
