// A Vite build plugin: writes brotli (.br) and gzip (.gz) copies next to the
// text assets it emits, so the server sends them as they are
// (@fastify/static's preCompressed) instead of compressing per request or
// not at all. Maximum levels: this runs once per build, not per request.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt)$/;
/** Below this a compressed copy saves less than its headers cost. */
const MIN_BYTES = 256;

export function precompress(): Plugin {
  return {
    name: 'sievewright-precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir;
      if (!dir) return;
      await Promise.all(
        Object.values(bundle).map(async (out) => {
          if (!COMPRESSIBLE.test(out.fileName)) return;
          const body = Buffer.from(out.type === 'chunk' ? out.code : out.source);
          if (body.length < MIN_BYTES) return;
          const [br, gzipped] = await Promise.all([
            brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
            gz(body, { level: constants.Z_BEST_COMPRESSION }),
          ]);
          const target = join(dir, out.fileName);
          // A copy no smaller than the file is left out; the server then sends the file itself.
          if (br.length < body.length) await writeFile(`${target}.br`, br);
          if (gzipped.length < body.length) await writeFile(`${target}.gz`, gzipped);
        }),
      );
    },
  };
}
