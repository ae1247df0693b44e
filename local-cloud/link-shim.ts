/**
 * cognito-local does not implement AdminLinkProviderForUser (it answers 500 "unsupported"). This proxy
 * stands in front of it and answers that one operation as Cognito does: an empty 200 that records the
 * link, or, for a source identity linked already (a retried trigger linking again), Cognito's
 * InvalidParameterException "SourceUser is already linked to DestinationUser". It shows each recorded
 * link where Cognito does, in the destination user's `identities` attribute of ListUsers and
 * AdminGetUser answers. Every other request is forwarded untouched.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { listenOnLoopback, readBody } from './ports.ts';

export interface ProviderLink {
  userPoolId: string;
  destination: { ProviderName?: string; ProviderAttributeValue?: string };
  source: { ProviderName?: string; ProviderAttributeName?: string; ProviderAttributeValue?: string };
}

export interface LinkShim {
  endpoint: string;
  links: ProviderLink[];
  stop(): Promise<void>;
}

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const LINK_TARGET = `${TARGET_PREFIX}AdminLinkProviderForUser`;
/** Answers that list users' attributes, where Cognito shows linked identities. */
const USER_READS = new Set([`${TARGET_PREFIX}ListUsers`, `${TARGET_PREFIX}AdminGetUser`]);
/** Where the recorded links can be read, by tests in other processes. */
export const LINKS_PATH = '/__links';
/** Cognito's answer to linking a source identity that is linked already (see shared/aws/cognito.ts). */
export const ALREADY_LINKED_MESSAGE = 'SourceUser is already linked to DestinationUser';

const JSON_TYPE = { 'content-type': 'application/x-amz-json-1.1' };

export async function recordedLinks(endpoint: string): Promise<ProviderLink[]> {
  const response = await fetch(`${endpoint}${LINKS_PATH}`);
  return (await response.json()) as ProviderLink[];
}

interface Attribute {
  Name?: string;
  Value?: string;
}

/** The `identities` attribute Cognito shows for a user with these links. */
function identitiesAttribute(links: readonly ProviderLink[]): Attribute {
  const identities = links.map((link) => ({
    userId: link.source.ProviderAttributeValue ?? '',
    providerName: link.source.ProviderName ?? '',
    providerType: link.source.ProviderName ?? '',
    issuer: null,
    primary: false,
    dateCreated: 0,
  }));
  return { Name: 'identities', Value: JSON.stringify(identities) };
}

/** Adds the `identities` attribute to each linked user in a ListUsers or AdminGetUser answer. */
function withIdentities(answer: Record<string, unknown>, links: readonly ProviderLink[]): Record<string, unknown> {
  const decorate = (username: unknown, attributes: unknown): Attribute[] | undefined => {
    const own = links.filter((link) => link.destination.ProviderAttributeValue === username);
    if (own.length === 0 || !Array.isArray(attributes)) return undefined;
    return [...(attributes as Attribute[]).filter((a) => a.Name !== 'identities'), identitiesAttribute(own)];
  };
  if (Array.isArray(answer.Users)) {
    return {
      ...answer,
      Users: (answer.Users as Array<Record<string, unknown>>).map((user) => {
        const attributes = decorate(user.Username, user.Attributes);
        return attributes ? { ...user, Attributes: attributes } : user;
      }),
    };
  }
  const attributes = decorate(answer.Username, answer.UserAttributes);
  return attributes ? { ...answer, UserAttributes: attributes } : answer;
}

/**
 * Passes a request on to `target` (cognito-local) and its answer back; `rewrite` may change a 200 JSON
 * answer. The local stand-ins in front of cognito-local forward what they do not answer themselves.
 */
export function forwardRequest(
  target: URL,
  request: { url?: string; method?: string; headers: IncomingHttpHeaders },
  body: Buffer,
  response: ServerResponse,
  rewrite?: (answer: Record<string, unknown>) => Record<string, unknown>,
): void {
  const forwarded = httpRequest(
    {
      host: target.hostname,
      port: target.port,
      path: request.url,
      method: request.method,
      headers: { ...request.headers, host: target.host },
    },
    (upstreamResponse) => {
      const status = upstreamResponse.statusCode ?? 502;
      if (!rewrite || status !== 200 || upstreamResponse.headers['content-encoding']) {
        response.writeHead(status, upstreamResponse.headers);
        upstreamResponse.pipe(response);
        return;
      }
      const chunks: Buffer[] = [];
      upstreamResponse.on('data', (chunk: Buffer) => chunks.push(chunk));
      upstreamResponse.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let answer = text;
        try {
          answer = JSON.stringify(rewrite(JSON.parse(text) as Record<string, unknown>));
        } catch {
          // Not JSON: passed on as it came.
        }
        const { 'content-length': _length, ...headers } = upstreamResponse.headers;
        response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(answer) }).end(answer);
      });
    },
  );
  forwarded.on('error', (error) => response.writeHead(502).end(String(error)));
  forwarded.end(body);
}

export async function startLinkShim(upstream: string, options: { port?: number } = {}): Promise<LinkShim> {
  const links: ProviderLink[] = [];
  const target = new URL(upstream);

  const link = (body: Buffer, response: ServerResponse) => {
    const input = JSON.parse(body.toString('utf8') || '{}') as {
      UserPoolId?: string;
      DestinationUser?: ProviderLink['destination'];
      SourceUser?: ProviderLink['source'];
    };
    const wanted: ProviderLink = {
      userPoolId: input.UserPoolId ?? '',
      destination: input.DestinationUser ?? {},
      source: input.SourceUser ?? {},
    };
    // A source identity may be linked to one user of a pool; Cognito refuses a second link of it,
    // whichever the destination, without saying to whom it is linked.
    const linked = links.some(
      (existing) =>
        existing.userPoolId === wanted.userPoolId &&
        existing.source.ProviderName?.toLowerCase() === wanted.source.ProviderName?.toLowerCase() &&
        existing.source.ProviderAttributeValue === wanted.source.ProviderAttributeValue,
    );
    if (linked) {
      response
        .writeHead(400, { ...JSON_TYPE, 'x-amzn-errortype': 'InvalidParameterException' })
        .end(JSON.stringify({ __type: 'InvalidParameterException', message: ALREADY_LINKED_MESSAGE }));
      return;
    }
    links.push(wanted);
    response.writeHead(200, JSON_TYPE).end('{}');
  };

  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const operation = request.headers['x-amz-target'];
      if (request.method === 'GET' && request.url === LINKS_PATH) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(links));
      } else if (operation === LINK_TARGET) {
        link(body, response);
      } else if (typeof operation === 'string' && USER_READS.has(operation) && links.length > 0) {
        const { UserPoolId: pool } = JSON.parse(body.toString('utf8') || '{}') as { UserPoolId?: string };
        const poolLinks = links.filter((existing) => existing.userPoolId === pool);
        forwardRequest(target, request, body, response, (answer) => withIdentities(answer, poolLinks));
      } else {
        forwardRequest(target, request, body, response);
      }
    })();
  });
  const listener = await listenOnLoopback(server, options.port);
  return { endpoint: listener.endpoint, links, stop: listener.close };
}
