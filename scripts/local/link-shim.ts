/**
 * cognito-local does not implement AdminLinkProviderForUser (it answers 500 "unsupported"). This proxy
 * stands in front of it, answers that one operation as Cognito does (an empty 200) and records each
 * link, and forwards every other request untouched. Nothing else of cognito-local's behaviour changes.
 */
import { createServer, request as httpRequest } from 'node:http';
import { freePort, LOCALHOST, readBody } from './ports.ts';

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

const LINK_TARGET = 'AWSCognitoIdentityProviderService.AdminLinkProviderForUser';
/** Where the recorded links can be read, by tests in other processes. */
export const LINKS_PATH = '/__links';

export async function recordedLinks(endpoint: string): Promise<ProviderLink[]> {
  const response = await fetch(`${endpoint}${LINKS_PATH}`);
  return (await response.json()) as ProviderLink[];
}

export async function startLinkShim(upstream: string, options: { port?: number } = {}): Promise<LinkShim> {
  const links: ProviderLink[] = [];
  const target = new URL(upstream);
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      if (request.method === 'GET' && request.url === LINKS_PATH) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(links));
        return;
      }
      if (request.headers['x-amz-target'] === LINK_TARGET) {
        const input = JSON.parse(body.toString('utf8') || '{}') as {
          UserPoolId?: string;
          DestinationUser?: ProviderLink['destination'];
          SourceUser?: ProviderLink['source'];
        };
        links.push({
          userPoolId: input.UserPoolId ?? '',
          destination: input.DestinationUser ?? {},
          source: input.SourceUser ?? {},
        });
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{}');
        return;
      }
      const forwarded = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: request.url,
          method: request.method,
          headers: { ...request.headers, host: target.host },
        },
        (upstreamResponse) => {
          response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
          upstreamResponse.pipe(response);
        },
      );
      forwarded.on('error', (error) => response.writeHead(502).end(String(error)));
      forwarded.end(body);
    })();
  });
  const port = options.port ?? (await freePort());
  await new Promise<void>((resolve) => server.listen(port, LOCALHOST, resolve));
  return {
    endpoint: `http://${LOCALHOST}:${port}`,
    links,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
