// Serves the built web UI (web/dist) when it exists, with an index.html
// fallback for client-side routes. API paths never fall back to the UI.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export async function registerWebUi(app: FastifyInstance, webRoot: string): Promise<boolean> {
  const root = resolve(webRoot);
  if (!existsSync(join(root, 'index.html'))) return false;
  await app.register(fastifyStatic, { root, wildcard: false, index: ['index.html'] });
  app.get('/*', (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path.startsWith('/api/')) {
      return reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${path}`, details: {} } });
    }
    return reply.sendFile('index.html');
  });
  return true;
}
