// `sievewright dovecot-config learning`: prints a tested IMAPSieve setup that
// learns spam/ham inside Dovecot (config fragment, report scripts, pipe
// helper, install commands), for Dovecot 2.3 or 2.4, and when to prefer it
// over `sievewright learn`.
import { parseArgs } from 'node:util';
import { imapsieveConfig, WHEN_TO_CHOOSE, type DovecotVersion } from '../learning/dovecot-config.js';
import { EXIT_INPUT, EXIT_OK, EXIT_USAGE } from './command.js';

const USAGE = `usage: sievewright dovecot-config learning [options]

  --dovecot 2.3|2.4     configuration syntax (default 2.3)
  --junk NAME           Junk folder (default Junk)
  --trash NAME          Trash folder (default Trash)
  --spamd HOST:PORT     spamd started with --allow-tell (default 127.0.0.1:783)
  --dir PATH            where the scripts go (default /etc/dovecot/sievewright)
  --spamc PATH          spamc binary (default /usr/bin/spamc)
`;

export async function run(args: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: {
        dovecot: { type: 'string', default: '2.3' },
        junk: { type: 'string', default: 'Junk' },
        trash: { type: 'string', default: 'Trash' },
        spamd: { type: 'string', default: '127.0.0.1:783' },
        dir: { type: 'string', default: '/etc/dovecot/sievewright' },
        spamc: { type: 'string', default: '/usr/bin/spamc' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`sievewright dovecot-config: ${(err as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (positionals.length !== 1 || positionals[0] !== 'learning') {
    process.stderr.write(`sievewright dovecot-config: say what to configure ('learning')\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const version = values.dovecot as string;
  if (version !== '2.3' && version !== '2.4') {
    process.stderr.write(`sievewright dovecot-config: --dovecot must be 2.3 or 2.4 (got ${JSON.stringify(version)})\n`);
    return EXIT_USAGE;
  }
  const m = /^(.+):(\d{1,5})$/.exec(values.spamd as string);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
    process.stderr.write(`sievewright dovecot-config: --spamd expects HOST:PORT (got ${JSON.stringify(values.spamd)})\n`);
    return EXIT_USAGE;
  }
  let cfg;
  try {
    cfg = imapsieveConfig({
      version: version as DovecotVersion,
      junk: values.junk as string,
      trash: values.trash as string,
      spamd: { host: m[1]!, port: Number(m[2]) },
      dir: (values.dir as string).replace(/\/+$/, ''),
      spamc: values.spamc as string,
    });
  } catch (err) {
    process.stderr.write(`sievewright dovecot-config: ${(err as Error).message}\n`);
    return EXIT_INPUT;
  }
  const out: string[] = [
    `# ===== dovecot.conf fragment (Dovecot ${version}), e.g. conf.d/95-sievewright-learning.conf =====`,
    cfg.conf,
    ...cfg.files.map((f) => `# ===== ${f.path} (mode ${f.mode}) =====\n${f.text}`),
    `# ===== then, as root =====\n${cfg.install.join('\n')}\n`,
    WHEN_TO_CHOOSE.trimEnd().replace(/^/gm, '# ') + '\n',
  ];
  process.stdout.write(out.join('\n'));
  return EXIT_OK;
}
