// The learners against the real programs: spamc/spamd (with and without
// --allow-tell) and sa-learn, plus the parsers of their answers.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { directionRuns, LearnerError, parseSaLearn, parseSpamcTell, saLearnLearner, spamcLearner } from '../../../server/learning/learner.js';
import { freePort, mailOwner, requireBinary, run, startSpamd, type Spamd } from '../../support/mailstack.js';
import { bayesCounts, message } from './mail-fixture.js';

const item = (id: number, direction: 'spam' | 'ham', raw = Buffer.from(message().text)) => ({ id, direction, raw });
const never = new AbortController().signal;

describe('parsers', () => {
  test('spamc -L answers: learned, already learned, anything else is not understood', () => {
    expect(parseSpamcTell('Message successfully un/learned\n')).toBe('learned');
    expect(parseSpamcTell('Message was already un/learned\n')).toBe('already-learned');
    expect(parseSpamcTell('')).toBeNull();
  });

  test('sa-learn summary line gives learned and examined counts', () => {
    expect(parseSaLearn('Learned tokens from 7 message(s) (9 message(s) examined)\n')).toEqual({ learned: 7, examined: 9 });
    expect(parseSaLearn('ERROR: the Bayes learn function returned an error')).toBeNull();
  });

  test('batches keep the order and never mix spam and ham', () => {
    const items = ['spam', 'spam', 'ham', 'spam', 'spam', 'spam'].map((d, i) => ({ id: i, direction: d as 'spam' | 'ham' }));
    expect(directionRuns(items, 2).map((r) => r.map((x) => x.id))).toEqual([[0, 1], [2], [3, 4], [5]]);
  });
});

describe('spamc learner with a real spamd', () => {
  let spamd: Spamd;
  beforeAll(async () => {
    spamd = await startSpamd();
  });
  afterAll(async () => {
    await spamd?.cleanup();
  });

  test('learns, then reports the same message as already learned; Bayes counts it once', async () => {
    const learner = spamcLearner({ host: spamd.host, port: spamd.port });
    const one = item(1, 'spam');
    expect(await learner.learn('erin', [one, item(2, 'spam', one.raw), item(3, 'ham')], never)).toEqual([
      { id: 1, result: 'learned' },
      { id: 2, result: 'already-learned' },
      { id: 3, result: 'learned' },
    ]);
    expect(await bayesCounts(join(spamd.vusersDir, 'erin'))).toEqual({ nspam: 1, nham: 1 });
  });

  test('a closed port is reported as spamd not reachable', async () => {
    const learner = spamcLearner({ host: '127.0.0.1', port: await freePort() });
    const err = await learner.learn('erin', [item(1, 'spam')], never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LearnerError);
    expect((err as LearnerError).code).toBe('unavailable');
  });
});

describe('spamc learner with a spamd started without --allow-tell', () => {
  let root: string;
  let pid = 0;
  let port = 0;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sw-spamd-notell-'));
    const owner = await mailOwner();
    await mkdir(join(root, 'vusers'));
    await run('chown', ['-R', `${owner.uid}:${owner.gid}`, root]);
    port = await freePort();
    const child = spawn(requireBinary('spamd'), [
      '-d', `--pidfile=${root}/spamd.pid`, `--listen=127.0.0.1:${port}`, '--allowed-ips=127.0.0.1', '--local',
      '--nouser-config', `--virtual-config-dir=${root}/vusers/%u`, '--max-children=1', '--min-children=1', `--syslog=${root}/spamd.log`,
      ...(process.getuid?.() === 0 ? [`--username=${owner.name}`, `--groupname=${owner.name}`] : []),
    ], { stdio: 'ignore', detached: true });
    child.unref();
    const deadline = Date.now() + 60_000;
    while ((await run(requireBinary('spamc'), ['-d', '127.0.0.1', '-p', String(port), '-K'])).code !== 0) {
      if (Date.now() > deadline) throw new Error('spamd without --allow-tell did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    pid = Number((await run('cat', [`${root}/spamd.pid`])).stdout.trim());
  });
  afterAll(async () => {
    if (pid) process.kill(pid, 'SIGTERM');
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('learning fails with a clear error naming --allow-tell (spamc exit 74)', async () => {
    const err = await spamcLearner({ host: '127.0.0.1', port }).learn('erin', [item(1, 'spam')], never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LearnerError);
    expect((err as LearnerError).code).toBe('tell-disabled');
    expect((err as Error).message).toMatch(/--allow-tell/);
  });
});

describe('batched sa-learn', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'sw-salearn-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  test('one process per direction run learns every message into the user Bayes home', async () => {
    const learner = saLearnLearner({ homeFor: (u) => join(home, u) });
    const out = await learner.learn('frank', [item(1, 'spam'), item(2, 'spam'), item(3, 'ham'), item(4, 'spam')], never);
    expect(out.map((o) => o.result)).toEqual(['learned', 'learned', 'learned', 'learned']);
    expect(await bayesCounts('', join(home, 'frank'))).toEqual({ nspam: 3, nham: 1 });
  });

  test('a run that times out kills sa-learn and says so', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    const err = await saLearnLearner({ homeFor: (u) => join(home, u) }).learn('gail', [item(1, 'spam')], ac.signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LearnerError);
    expect((err as LearnerError).code).toBe('timeout');
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  test('sa-learn failing (an unreadable Bayes home) is reported per message, not thrown', async () => {
    await writeFile(join(home, 'notadir'), 'x');
    const out = await saLearnLearner({ homeFor: () => join(home, 'notadir') }).learn('h', [item(1, 'spam')], never);
    expect(out).toHaveLength(1);
    expect(out[0]!.error).toMatch(/sa-learn exit/);
  });
});
