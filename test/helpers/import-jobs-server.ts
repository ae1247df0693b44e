/**
 * Cognito's user import job API and the pre-signed upload URL, where no local server exists: a local
 * HTTP server answering CreateUserImportJob, StartUserImportJob, DescribeUserImportJob and GetCSVHeader
 * with answers of the documented shapes (API reference, UserImportJobType), and taking the PUT of the
 * file at the URL it hands out. Records every call, in order, with the upload's headers and body, and
 * reads each upload as Cognito would (cognito-import-file.ts: the guide's format, not csv-parse), so a
 * quoted field or any line Cognito would fail is reported, and counted as failed unless scripted.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultCsvHeader } from '../../shared/import/columns.ts';
import { LOCALHOST, readBody } from '../../local-cloud/ports.ts';
import { readCognitoImportFile, type CognitoImportFile } from './cognito-import-file.ts';

export interface RecordedCall {
  operation: string;
  body: Record<string, unknown>;
  headers?: Record<string, string | string[] | undefined>;
  upload?: string;
  /** The upload as Cognito reads it: its users and the lines it would fail. */
  file?: CognitoImportFile;
}

export interface JobScript {
  /** Statuses DescribeUserImportJob answers in turn (the last one repeats). */
  statuses: string[];
  /** Counts the job reports; when none is scripted, from the upload as read (users read, lines failed). */
  imported?: number;
  skipped?: number;
  failed?: number;
  /** The upload answers this status (403 as S3 does for a bad signature). */
  uploadStatus?: number;
}

export interface ImportJobsServer {
  endpoint: string;
  calls: RecordedCall[];
  stop(): Promise<void>;
}

/** `csvHeader`: the pool's columns, as GetCSVHeader answers and as each upload is held to. */
export async function startImportJobsServer(
  scripts: JobScript[],
  options: { csvHeader?: readonly string[] } = {},
): Promise<ImportJobsServer> {
  const csvHeader = [...(options.csvHeader ?? defaultCsvHeader())];
  const calls: RecordedCall[] = [];
  const jobs = new Map<
    string,
    { script: JobScript; name: string; pool: string; role: string; describes: number; file?: CognitoImportFile }
  >();
  let endpoint = '';

  const job = (id: string, status: string) => {
    const state = jobs.get(id);
    if (!state) throw new Error(`no job ${id}`);
    const done = status === 'Succeeded' || status === 'Failed' || status === 'Stopped';
    const { imported, skipped, failed } = state.script;
    const scripted = imported !== undefined || skipped !== undefined || failed !== undefined;
    const counts = scripted
      ? { imported: imported ?? 0, skipped: skipped ?? 0, failed: failed ?? 0 }
      : { imported: state.file?.users.length ?? 0, skipped: 0, failed: state.file?.failures.length ?? 0 };
    return {
      UserImportJob: {
        JobId: id,
        JobName: state.name,
        UserPoolId: state.pool,
        CloudWatchLogsRoleArn: state.role,
        PreSignedUrl: `${endpoint}/upload/${id}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0f00`,
        CreationDate: 1_767_225_600,
        Status: status,
        ImportedUsers: done ? counts.imported : 0,
        SkippedUsers: done ? counts.skipped : 0,
        FailedUsers: done ? counts.failed : 0,
        ...(status === 'Failed'
          ? { CompletionMessage: 'Too many users have failed or been skipped during the import.' }
          : {}),
      },
    };
  };

  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (request.method === 'PUT' && path.startsWith('/upload/')) {
        const id = path.slice('/upload/'.length);
        const upload = body.toString('utf8');
        const file = readCognitoImportFile(upload, csvHeader);
        const state = jobs.get(id);
        if (state) state.file = file;
        calls.push({ operation: 'PUT', body: { jobId: id }, headers: request.headers, upload, file });
        response.writeHead(jobs.get(id)?.script.uploadStatus ?? 200);
        response.end();
        return;
      }
      const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const input = JSON.parse(body.toString('utf8') || '{}') as Record<string, string>;
      calls.push({ operation, body: input });
      let answer: unknown;
      if (operation === 'GetCSVHeader') answer = { UserPoolId: input.UserPoolId, CSVHeader: csvHeader };
      else if (operation === 'CreateUserImportJob') {
        const script = scripts[jobs.size];
        if (!script) throw new Error('more jobs created than scripted');
        const id = `import-${String(jobs.size + 1).padStart(10, '0')}`;
        jobs.set(id, {
          script,
          name: input.JobName ?? '',
          pool: input.UserPoolId ?? '',
          role: input.CloudWatchLogsRoleArn ?? '',
          describes: 0,
        });
        answer = job(id, 'Created');
      } else if (operation === 'StartUserImportJob') answer = job(input.JobId ?? '', 'Pending');
      else if (operation === 'DescribeUserImportJob') {
        const state = jobs.get(input.JobId ?? '');
        const statuses = state?.script.statuses ?? [];
        const status = statuses[Math.min(state ? state.describes++ : 0, statuses.length - 1)] ?? 'Failed';
        answer = job(input.JobId ?? '', status);
      } else throw new Error(`not recorded: ${operation}`);
      const text = JSON.stringify(answer);
      response.writeHead(200, {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
    })().catch((error: unknown) => {
      const text = JSON.stringify({ __type: 'InternalErrorException', message: String(error) });
      response.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, LOCALHOST, () => resolve()));
  endpoint = `http://${LOCALHOST}:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    calls,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
