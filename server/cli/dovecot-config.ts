// `sievewright dovecot-config learning`: prints a tested IMAPSieve setup that
// pipes each move into or out of Junk to a spool for `sievewright learn
// --events` (or to spamc) — config fragment, report scripts, pipe helper, install commands —
// for Dovecot 2.3 or 2.4, and when to prefer it over polling. `dovecot-config defaults` lives in its own module.
import { imapsieveConfig, WHEN_TO_CHOOSE, type ImapsieveHelper } from '../learning/dovecot-config.js';
import { EXIT_INPUT, EXIT_OK, UsageError } from './command.js';
import { runCommandLine, type ParsedCommandLine } from './options.js';

const USAGE = `usage: sievewright dovecot-config learning [options]
       sievewright dovecot-config defaults [options]   (see its --help)

  --dovecot 2.3|2.4     configuration syntax (default 2.3)
  --junk NAME           Junk folder (default Junk)
  --trash NAME          Trash folder (default Trash)
  --dir PATH            where the scripts go (default /etc/dovecot/sievewright)
  --via sievewright|spamc
                        what each move is piped to (default sievewright: a spool
                        that \`sievewright learn --events\` stores and learns)
  --spool DIR           the spool (default /var/spool/sievewright; learning.spoolDir)
  --mail-group GROUP    the group Dovecot runs mail processes as (default vmail)
  --spamd HOST:PORT     --via spamc: spamd started with --allow-tell (default 127.0.0.1:783)
  --spamc PATH          --via spamc: spamc binary (default /usr/bin/spamc)
`;

const OPTIONS = {
  dovecot: { type: 'string', default: '2.3' },
  junk: { type: 'string', default: 'Junk' },
  trash: { type: 'string', default: 'Trash' },
  spamd: { type: 'string', default: '127.0.0.1:783' },
  dir: { type: 'string', default: '/etc/dovecot/sievewright' },
  spamc: { type: 'string', default: '/usr/bin/spamc' },
  via: { type: 'string', default: 'sievewright' },
  spool: { type: 'string', default: '/var/spool/sievewright' },
  'mail-group': { type: 'string', default: 'vmail' },
} as const;

export async function run(args: string[]): Promise<number> {
  if (args[0] === 'defaults') return (await import('./dovecot-config-defaults.js')).run(args.slice(1));
  return runCommandLine({ name: 'dovecot-config', usage: USAGE, options: OPTIONS, positionals: true }, args, dovecotConfig);
}

async function dovecotConfig({ values, positionals }: ParsedCommandLine<typeof OPTIONS>): Promise<number> {
  if (positionals.length !== 1 || positionals[0] !== 'learning') throw new UsageError("say what to configure ('learning' or 'defaults')");
  const version = values.dovecot;
  if (version !== '2.3' && version !== '2.4') throw new UsageError(`--dovecot must be 2.3 or 2.4 (got ${JSON.stringify(version)})`);
  const m = /^(.+):(\d{1,5})$/.exec(values.spamd);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new UsageError(`--spamd expects HOST:PORT (got ${JSON.stringify(values.spamd)})`);
  if (values.via !== 'sievewright' && values.via !== 'spamc') throw new UsageError(`--via must be sievewright or spamc (got ${JSON.stringify(values.via)})`);
  const helper: ImapsieveHelper =
    values.via === 'spamc'
      ? { via: 'spamc', spamc: values.spamc, spamd: { host: m[1]!, port: Number(m[2]) } }
      : { via: 'sievewright', spool: values.spool.replace(/\/+$/, ''), mailGroup: values['mail-group'] };
  let cfg;
  try {
    cfg = imapsieveConfig({ version, junk: values.junk, trash: values.trash, dir: values.dir.replace(/\/+$/, ''), helper });
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
