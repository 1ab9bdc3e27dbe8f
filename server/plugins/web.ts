// Serves the built web UI (web/dist) when it exists, with an index.html
// fallback for client-side routes. API paths never fall back to the UI.
// The build's .br/.gz copies are sent to clients that accept them. Files
// named by content hash (assets/NAME-HASH.js) never change, so browsers keep
// them for a year; everything else, index.html above all, is revalidated on
// every use, so a new release is picked up at once.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/** Vite's `assets/[name]-[hash].[ext]`, possibly as a .br or .gz copy. */
const HASHED_ASSET = /^assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+(?:\.br|\.gz)?$/;

export function cacheControlFor(root: string, file: string): string {
  return HASHED_ASSET.test(relative(root, file).split(sep).join('/')) ? IMMUTABLE : REVALIDATE;
}

export async function registerWebUi(app: FastifyInstance, webRoot: string): Promise<boolean> {
  const root = resolve(webRoot);
  if (!existsSync(join(root, 'index.html'))) return false;
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: ['index.html'],
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply, file) => reply.header('cache-control', cacheControlFor(root, file)),
  });
  app.get('/*', (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path.startsWith('/api/')) {
      return reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${path}`, details: {} } });
    }
    return reply.sendFile('index.html');
  });
  return true;
}
