/**
 * A fake Hugging Face Hub on 127.0.0.1: `GET /{owner}/{repo}/resolve/{revision}/{file}` answers
 * the bytes registered for that path (404 otherwise), like the real resolve endpoint after its
 * redirect. It counts requests, can demand a bearer token (gated repositories answer 401) and
 * can serve altered bytes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeHub {
  url: string;
  requests: string[];
  files: Map<string, Buffer>;
  /** Paths (repo) that need `Authorization: Bearer <token>`. */
  gated: Map<string, string>;
  close(): Promise<void>;
}

export async function startFakeHub(): Promise<FakeHub> {
  const files = new Map<string, Buffer>();
  const gated = new Map<string, string>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const repo = m?.[1];
    if (req.method !== 'GET' || !m || !repo) {
      res.writeHead(404).end();
      return;
    }
    const token = gated.get(repo);
    if (token !== undefined && req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Access to model is restricted. You must have access to it and be authenticated to access it.' }));
      return;
    }
    const body = files.get(path);
    if (!body) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Entry not found' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    files,
    gated,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
