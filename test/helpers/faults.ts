/**
 * Fault injection: local HTTP servers on 127.0.0.1 that stand in for DynamoDB, SES or Cognito and fail
 * the way the real services fail (never answering, resetting the connection, 500s, throttling), or pass
 * requests through to a healthy server (the test stack's DynamoDB Local, SES, cognito-local).
 *
 * A function reaches a stand-in through the endpoint variables the SDK reads itself
 * (AWS_ENDPOINT_URL_DYNAMODB, ..., see shared/aws/client-config.ts); each process makes its clients once
 * (shared/lazy.ts), so a stand-in's behaviour can be switched between tests while the endpoint stays.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { keepIdleConnections } from '../../local-cloud/ports.ts';

export type Service = 'dynamodb' | 'ses' | 'cognito' | 'sns';
/** What the deployed import's job functions call besides DynamoDB (test/fault/import-jobs.test.ts). */
export type JobService = 's3' | 'sfn';
export type AnyService = Service | JobService;

/** The variable each service's SDK client reads its endpoint from. */
export const ENDPOINT_VARIABLES: Readonly<Record<AnyService, string>> = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  ses: 'AWS_ENDPOINT_URL_SES',
  cognito: 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER',
  sns: 'AWS_ENDPOINT_URL_SNS',
  s3: 'AWS_ENDPOINT_URL_S3',
  sfn: 'AWS_ENDPOINT_URL_SFN',
};

export type Fault = 'hang' | 'reset' | 'server-error' | 'throttle';
export const FAULTS: readonly Fault[] = ['hang', 'reset', 'server-error', 'throttle'];

export type Behaviour = Fault | 'healthy';

export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The service's own error for a fault, in its protocol: DynamoDB (JSON 1.0) and Cognito (JSON 1.1) name
 * the error in `x-amzn-ErrorType` and `__type`; SES (the v1 query API the SES client speaks) answers XML.
 */
export function errorAnswer(service: AnyService, fault: 'server-error' | 'throttle'): ErrorAnswer {
  const requestId = 'fault-injection-0000';
  if (service === 's3') {
    // S3's REST XML errors: a throttled request is 503 SlowDown.
    const [status, code, message] =
      fault === 'throttle'
        ? [503, 'SlowDown', 'Please reduce your request rate.']
        : [500, 'InternalError', 'We encountered an internal error. Please try again.'];
    return {
      status,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
      body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
    };
  }
  if (service === 'sfn') {
    // Step Functions speaks JSON 1.0.
    const [status, type, message] =
      fault === 'throttle' ? [400, 'ThrottlingException', 'Rate exceeded'] : [500, 'InternalFailure', 'Internal error'];
    return {
      status,
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-errortype': type,
        'x-amzn-requestid': requestId,
      },
      body: JSON.stringify({ __type: type, message }),
    };
  }
  if (service === 'sns') {
    // SNS speaks the query protocol too: XML errors, Throttling as a sender fault.
    const [status, type, code, message] =
      fault === 'throttle'
        ? [400, 'Sender', 'Throttling', 'Rate exceeded']
        : [500, 'Receiver', 'InternalError', 'The request processing has failed because of an unknown error.'];
    return {
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body:
        `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${type}</Type>` +
        `<Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  if (service === 'ses') {
    const [status, type, code, message] =
      fault === 'throttle'
        ? [400, 'Sender', 'Throttling', 'Maximum sending rate exceeded.']
        : [500, 'Receiver', 'InternalFailure', 'The request processing has failed because of an unknown error.'];
    return {
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body:
        `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${type}</Type>` +
        `<Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  const [status, type, message] =
    service === 'dynamodb'
      ? fault === 'throttle'
        ? [
            400,
            'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            'The level of configured provisioned throughput for the table was exceeded.',
          ]
        : [500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', 'Internal server error']
      : fault === 'throttle'
        ? [400, 'TooManyRequestsException', 'Rate exceeded']
        : [500, 'InternalErrorException', 'Internal error'];
  const contentType = service === 'dynamodb' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
  return {
    status,
    headers: { 'content-type': contentType, 'x-amzn-errortype': type, 'x-amzn-requestid': requestId },
    body: JSON.stringify({ __type: type, message }),
  };
}

/**
 * A plain HTTP service's failures (no AWS protocol, e.g. the Pwned Passwords API): a 500, and a 429
 * with Retry-After, in plain text.
 */
export function httpErrorAnswer(fault: 'server-error' | 'throttle'): ErrorAnswer {
  return fault === 'throttle'
    ? { status: 429, headers: { 'content-type': 'text/plain', 'retry-after': '1' }, body: 'Too Many Requests' }
    : { status: 500, headers: { 'content-type': 'text/plain' }, body: 'Internal Server Error' };
}

/** Answers a request that the stand-in serves itself (the fuzz harness's plausible in-memory answers). */
export type Responder = (request: { headers: IncomingMessage['headers']; body: string }) => ErrorAnswer;

export interface StandIn {
  readonly service: AnyService | 'http';
  readonly endpoint: string;
  /** What the next requests get; switch it between tests. */
  behaviour: Behaviour;
  /** Requests received since start (or since the count was reset). */
  requests: number;
  stop(): Promise<void>;
}

export interface StandInOptions {
  /** Healthy requests are passed to this server (e.g. the test stack's DynamoDB Local)... */
  target?: string;
  /** ...or answered by this function. */
  respond?: Responder;
  behaviour?: Behaviour;
  /** Pass the Host header on as sent: a server that checks signatures (s3rver) sees what was signed. */
  keepHost?: boolean;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function forward(
  target: string,
  request: IncomingMessage,
  body: Buffer,
  response: ServerResponse,
  keepHost = false,
): void {
  const url = new URL(request.url ?? '/', target);
  const outgoing = httpRequest(
    url,
    { method: request.method, headers: { ...request.headers, host: keepHost ? request.headers.host : url.host } },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  outgoing.on('error', () => response.destroy());
  outgoing.end(body);
}

/** Starts a stand-in for `service` on 127.0.0.1, on a free port. */
export async function startStandIn(service: AnyService | 'http', options: StandInOptions = {}): Promise<StandIn> {
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    standIn.requests += 1;
    const behaviour = standIn.behaviour;
    if (behaviour === 'hang') return; // read nothing, answer nothing: the client's timeouts must end it
    if (behaviour === 'reset') {
      request.socket.resetAndDestroy();
      return;
    }
    void readBody(request).then((body) => {
      if (behaviour === 'healthy' && options.target)
        return forward(options.target, request, body, response, options.keepHost);
      const answer =
        behaviour === 'healthy'
          ? options.respond?.({ headers: request.headers, body: body.toString('utf8') })
          : service === 'http'
            ? httpErrorAnswer(behaviour)
            : errorAnswer(service, behaviour);
      if (!answer) throw new Error(`the ${service} stand-in has no healthy target or responder`);
      response.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  // Never close an idle keep-alive connection first (the fuzz harness met ECONNRESET between functions).
  keepIdleConnections(server);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const standIn: StandIn = {
    service,
    endpoint: `http://127.0.0.1:${port}`,
    behaviour: options.behaviour ?? 'healthy',
    requests: 0,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return standIn;
}

/** A stand-in that always fails with `fault`. */
export const startFaultServer = (service: AnyService, fault: Fault) => startStandIn(service, { behaviour: fault });

/** Sets (or, for undefined, removes) environment variables; returns how to undo it. */
export function setEnvironment(
  variables: Readonly<Record<string, string | undefined>>,
  env: NodeJS.ProcessEnv = process.env,
): () => void {
  const previous = Object.fromEntries(Object.keys(variables).map((key) => [key, env[key]]));
  const apply = (values: Readonly<Record<string, string | undefined>>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
  };
  apply(variables);
  return () => apply(previous);
}

/** Points this process's (future) SDK clients of `service` at `endpoint`; returns how to undo it. */
export const pointAt = (service: AnyService, endpoint: string, env: NodeJS.ProcessEnv = process.env): (() => void) =>
  setEnvironment({ [ENDPOINT_VARIABLES[service]]: endpoint }, env);

/** One SMS an SNS stand-in took (Publish with a PhoneNumber). */
export interface PublishedSms {
  phoneNumber: string;
  message: string;
  attributes: Record<string, string>;
}

/**
 * Answers SNS Publish as SNS does (there is no local SNS server to pass requests to), recording each
 * message: the healthy side of an SNS stand-in.
 */
export function snsPublishResponder(published: PublishedSms[] = []): Responder {
  return ({ body }) => {
    const form = new URLSearchParams(body);
    const attributes: Record<string, string> = {};
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i += 1) {
      attributes[form.get(`MessageAttributes.entry.${i}.Name`) ?? ''] =
        form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '';
    }
    published.push({ phoneNumber: form.get('PhoneNumber') ?? '', message: form.get('Message') ?? '', attributes });
    const messageId = `00000000-0000-4000-8000-${String(published.length).padStart(12, '0')}`;
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body:
        '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>' +
        `<MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`,
    };
  };
}
