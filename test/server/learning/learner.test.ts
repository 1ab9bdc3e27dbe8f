// The learners against the real programs: spamd's TELL (with and without
// --allow-tell, checked against spamc's own view) and sa-learn, plus the
// parsers of their answers.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { directionRuns, LearnerError, parseSaLearn, saLearnLearner, spamdLearner } from '../../../server/learning/learner.js';
import { encodeTell, parseTellAnswer, SpamdStatusError } from '../../../server/learning/spamd-tell.js';
import { freePort, mailOwner, requireBinary, run } from '../../support/programs.js';
import { startSpamd, type Spamd } from '../../support/spamassassin.js';
import { bayesCounts, message } from './mail-fixture.js';

const item = (id: number, direction: 'spam' | 'ham', raw = Buffer.from(message().text)) => ({ id, direction, raw });
const never = new AbortController().signal;

describe('parsers', () => {
  test('spamd TELL answers: DidSet means learned, none means already learned, a partial answer is not yet one', () => {
    expect(parseTellAnswer('SPAMD/1.1 0 EX_OK\r\nDidSet: local\r\n\r\n')).toBe('learned');
    expect(parseTellAnswer('SPAMD/1.1 0 EX_OK\r\n\r\n')).toBe('already-learned');
    expect(parseTellAnswer('SPAMD/1.1 0 EX_OK\r\nDidSet: local\r\n')).toBeNull();
    expect(parseTellAnswer('SPAMD/1.1 0 EX')).toBeNull();
  });

  test('a non-zero spamd status is an error carrying its code and text; a foreign answer is refused', () => {
    const err = (() => {
      try {
        parseTellAnswer('SPAMD/1.0 76 Bad header line: x\r\n');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SpamdStatusError);
    expect(err).toMatchObject({ code: 76, text: 'Bad header line: x' });
    expect(() => parseTellAnswer('HTTP/1.1 200 OK\r\n\r\n')).toThrow(/not a spamd answer/);
  });

  test('a TELL request counts bytes, not characters, and refuses user names that could add header lines', () => {
    const body = Buffer.from('Subject: café\r\n\r\nbody\r\n');
    const req = encodeTell('erin', 'ham', body).toString('utf8');
    expect(req).toBe(`TELL SPAMC/1.5\r\nMessage-class: ham\r\nSet: local\r\nUser: erin\r\nContent-length: ${body.length}\r\n\r\n${body.toString('utf8')}`);
    for (const bad of ['erin\r\nRemove: local', 'a b', '', 'x\u0000y']) expect(() => encodeTell(bad, 'spam', body)).toThrow(RangeError);
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

describe('spamd learner with a real spamd', () => {
  let spamd: Spamd;
  beforeAll(async () => {
    spamd = await startSpamd();
  });
  afterAll(async () => {
    await spamd?.cleanup();
  });

  test('learns, then reports the same message as already learned; Bayes counts it once', async () => {
    const learner = spamdLearner({ host: spamd.host, port: spamd.port });
    const one = item(1, 'spam');
    expect(await learner.learn('erin', [one, item(2, 'spam', one.raw), item(3, 'ham')], never)).toEqual([
      { id: 1, result: 'learned' },
      { id: 2, result: 'already-learned' },
      { id: 3, result: 'learned' },
    ]);
    expect(await bayesCounts(join(spamd.vusersDir, 'erin'))).toEqual({ nspam: 1, nham: 1 });
  });

  test('speaks what spamc -L speaks: each sees what the other learned, and spam then ham relearns', async () => {
    const spamc = (direction: string, raw: Buffer) =>
      run(requireBinary('spamc'), ['-d', spamd.host, '-p', String(spamd.port), '-u', 'fay', '-L', direction], { input: raw });
    const learner = spamdLearner({ host: spamd.host, port: spamd.port });
    const a = Buffer.from(message({ tag: 'here-first' }).text);
    const b = Buffer.from(message({ tag: 'spamc-first' }).text);
    expect(await learner.learn('fay', [item(1, 'spam', a)], never)).toEqual([{ id: 1, result: 'learned' }]);
    expect((await spamc('spam', a)).stdout).toMatch(/already un\/learned/);
    expect((await spamc('spam', b)).stdout).toMatch(/successfully un\/learned/);
    expect(await learner.learn('fay', [item(2, 'spam', b), item(3, 'ham', a)], never)).toEqual([
      { id: 2, result: 'already-learned' },
      { id: 3, result: 'learned' },
    ]);
    expect(await bayesCounts(join(spamd.vusersDir, 'fay'))).toEqual({ nspam: 1, nham: 1 });
  });

  test('a closed port is reported as spamd not reachable', async () => {
    const learner = spamdLearner({ host: '127.0.0.1', port: await freePort() });
    const err = await learner.learn('erin', [item(1, 'spam')], never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LearnerError);
    expect((err as LearnerError).code).toBe('unavailable');
  });
});

describe('spamd learner against a peer that misbehaves', () => {
  const servers: Server[] = [];
  const listen = async (onConnection: (socket: import('node:net').Socket) => void) => {
    const server = createServer(onConnection);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as { port: number }).port;
  };
  afterAll(() => {
    for (const s of servers) s.close();
  });

  test('a peer that never answers is cut off when the run times out', async () => {
    const port = await listen(() => {});
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const err = await spamdLearner({ host: '127.0.0.1', port }).learn('erin', [item(1, 'spam')], ac.signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LearnerError);
    expect((err as LearnerError).code).toBe('timeout');
  });

  test('a peer that hangs up without an answer is reported as not reachable', async () => {
    const port = await listen((socket) => socket.end());
    const err = await spamdLearner({ host: '127.0.0.1', port }).learn('erin', [item(1, 'spam')], never).catch((e: unknown) => e);
    expect((err as LearnerError).code).toBe('unavailable');
    expect((err as Error).message).toMatch(/closed the connection before answering/);
  });

  test('a refused message is that message\'s error, and the ones after it wait for the next run', async () => {
    const port = await listen((socket) => socket.end('SPAMD/1.0 76 Bad header line: (Content-Length mismatch)\r\n'));
    const out = await spamdLearner({ host: '127.0.0.1', port }).learn('erin', [item(1, 'spam'), item(2, 'spam')], never);
    expect(out).toEqual([{ id: 1, error: 'spamd answered 76 Bad header line: (Content-Length mismatch)' }]);
  });
});

describe('spamd learner with a spamd started without --allow-tell', () => {
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

  test('learning fails with a clear error naming --allow-tell', async () => {
    const err = await spamdLearner({ host: '127.0.0.1', port }).learn('erin', [item(1, 'spam')], never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LearnerError);
    expect((err as LearnerError).code).toBe('tell-disabled');
    expect((err as Error).message).toMatch(/start spamd with --allow-tell \(spamd answered 69 .*TELL commands are not enabled/);
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
