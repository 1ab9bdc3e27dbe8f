// The imapflow adapter: reads what changed in a user's Junk folder since the
// stored cursor, turns it into observations for decide(), fetches the content
// of what must be learned, and commits it all in one transaction.
//
// Cost of an idle pass: one STATUS (UIDVALIDITY UIDNEXT MESSAGES
// HIGHESTMODSEQ) answered from the mailbox index, the same for 10 or 10,000
// messages. Only when something changed does it SELECT Junk and fetch: new
// UIDs, flags CHANGEDSINCE the stored modseq, and (QRESYNC) VANISHED UIDs.
// Without CONDSTORE it falls back to comparing UIDs and re-reading flags.
import { ImapFlow, type FetchMessageObject, type ImapFlowOptions } from 'imapflow';
import type { Endpoint } from '../mail/endpoint.js';
import { imapOptions } from '../mail/imap-options.js';
import { imapMasterAuth, type MasterLogin } from '../mail/master-login.js';
import type { LearningRepository, NewEvent } from '../store/learning-repository.js';
import { baseline, decide, sameFolder, type Decision, type Folders, type Observation, type TrackedMessage } from './decide.js';

export interface ScanOptions {
  folders: Folders;
  /** Messages larger than this are recorded as skipped (SpamAssassin ignores them anyway). */
  maxMessageBytes: number;
}

export type ScanKind = 'unchanged' | 'baseline' | 'changed' | 'no-junk-folder';

export interface ScanResult {
  kind: ScanKind;
  /** New learning intents committed by this pass. */
  created: number;
}

/** Opens an IMAP session as `username` through the master user. */
export async function openSession(endpoint: Endpoint, master: MasterLogin, username: string, extra: Partial<ImapFlowOptions> = {}): Promise<ImapFlow> {
  const client = new ImapFlow(imapOptions(endpoint, imapMasterAuth(master, username), { qresync: true, ...extra }));
  // Without a listener an 'error' event would crash the process; the failing
  // command rejects anyway, which is where it is handled.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    // A refused login must not leave its socket open: callers count sessions.
    client.close();
    throw err;
  }
  return client;
}

const flagList = (m: FetchMessageObject) => [...(m.flags ?? [])];
const messageIdOf = (m: FetchMessageObject) => m.envelope?.messageId?.trim() || null;

interface Arrival {
  uid: number;
  messageId: string | null;
  subject: string | null;
  sender: string | null;
  size: number;
}

function arrivalOf(m: FetchMessageObject): Arrival {
  const from = m.envelope?.from?.[0];
  return {
    uid: m.uid,
    messageId: messageIdOf(m),
    subject: m.envelope?.subject ?? null,
    sender: from?.address ?? from?.name ?? null,
    size: m.size ?? 0,
  };
}

export async function scanJunk(client: ImapFlow, repo: LearningRepository, username: string, opts: ScanOptions): Promise<ScanResult> {
  const junk = opts.folders.junk;
  const cursor = repo.getCursor(username, junk);
  // Modseqs are only reported once CONDSTORE is enabled (imapflow does that when offered).
  const condstore = client.enabled.has('CONDSTORE') || client.enabled.has('QRESYNC');
  const status = await client
    .status(junk, { uidValidity: true, uidNext: true, messages: true, ...(condstore ? { highestModseq: true } : {}) })
    .catch(() => false as const);
  if (!status || status.uidValidity === undefined || status.uidNext === undefined) return { kind: 'no-junk-folder', created: 0 };
  const sameValidity = cursor !== null && BigInt(cursor.uidValidity) === status.uidValidity;
  const unchanged =
    sameValidity &&
    cursor.uidNext === status.uidNext &&
    cursor.messages === status.messages &&
    // Without CONDSTORE a flag change ($NotJunk) is invisible to STATUS: always look.
    cursor.highestModseq !== null &&
    status.highestModseq !== undefined &&
    cursor.highestModseq === status.highestModseq;
  if (unchanged) return { kind: 'unchanged', created: 0 };

  const expunged: number[] = [];
  const onExpunge = (e: { uid?: number; vanished: boolean }) => {
    if (e.vanished && e.uid) expunged.push(e.uid);
  };
  const junkLock = await client.getMailboxLock(junk, { readOnly: true });
  let locked = true;
  const release = () => {
    if (locked) junkLock.release();
    locked = false;
  };
  client.on('expunge', onExpunge);
  try {
    const box = client.mailbox;
    if (!box) throw new Error(`could not open ${junk}`);
    const uidValidity = Number(box.uidValidity);
    // As of the SELECT: imapflow updates `box` from later unsolicited
    // responses, and a cursor must never claim changes nobody decided on.
    const modseq = condstore ? (box.highestModseq ?? null) : null;
    const selected = { uidNext: box.uidNext, exists: box.exists };

    if (!sameValidity || cursor === null || Number(cursor.uidValidity) !== uidValidity) {
      // First pass, or the folder was recreated: remember what is there, learn nothing.
      const all = box.exists ? await client.fetchAll('1:*', { uid: true, flags: true, envelope: true }, { uid: true }) : [];
      const state = baseline(all.map((m) => ({ uid: m.uid, messageId: messageIdOf(m), flags: flagList(m) })), selected.uidNext);
      const cursorNow = { uidValidity, uidNext: state.uidNext, highestModseq: modseq, messages: selected.exists };
      repo.commitPass({ username, folder: junk, cursor: cursorNow, replaceAll: true, upsert: [...state.messages.values()], remove: [], events: [] });
      return { kind: 'baseline', created: 0 };
    }

    const before = { uidNext: cursor.uidNext, messages: repo.tracked(username, junk, uidValidity) };
    const observations: Observation[] = [];
    const arrivals = new Map<number, Arrival>();
    if (box.uidNext > cursor.uidNext && box.exists > 0) {
      for (const m of await client.fetchAll(`${cursor.uidNext}:*`, { uid: true, flags: true, envelope: true, size: true }, { uid: true })) {
        if (m.uid < cursor.uidNext) continue; // "N:*" also returns the last message when N is past it
        arrivals.set(m.uid, arrivalOf(m));
        observations.push({ kind: 'arrived', uid: m.uid, messageId: messageIdOf(m), flags: flagList(m) });
      }
    }
    const knownRange = cursor.uidNext > 1 ? `1:${cursor.uidNext - 1}` : null;
    const qresync = modseq !== null && cursor.highestModseq !== null && client.enabled.has('QRESYNC');
    if (knownRange && box.exists > 0) {
      const changedSince = modseq !== null && cursor.highestModseq !== null ? cursor.highestModseq : undefined;
      const changed = await client.fetchAll(knownRange, { uid: true, flags: true }, { uid: true, ...(changedSince !== undefined ? { changedSince } : {}) });
      for (const m of changed) if (before.messages.has(m.uid)) observations.push({ kind: 'flags', uid: m.uid, flags: flagList(m) });
    }
    let departed: number[];
    if (box.exists === 0) {
      departed = [...before.messages.keys()]; // nothing left to FETCH, so no VANISHED either
    } else if (qresync) {
      departed = [...new Set(expunged)].filter((uid) => before.messages.has(uid));
    } else if (box.exists !== before.messages.size + arrivals.size) {
      const present = new Set(knownRange && box.exists > 0 ? ((await client.search({ uid: knownRange }, { uid: true })) || []) : []);
      departed = [...before.messages.keys()].filter((uid) => !present.has(uid));
    } else {
      departed = [];
    }

    // Decide on what is still in Junk first and read its content while Junk is open.
    const inJunk = decide(before, observations, opts.folders);
    const events = await contentFor(client, inJunk.decisions, arrivals, uidValidity, opts);
    release();

    const destinations = await findDestinations(client, departed.map((uid) => ({ uid, messageId: before.messages.get(uid)?.messageId ?? null })), opts.folders);
    const out = decide(inJunk.state, departed.map((uid) => ({ kind: 'departed', uid, destination: destinations.get(uid)?.folder ?? null })), opts.folders);
    for (const d of out.decisions) {
      const found = destinations.get(d.uid)!;
      events.push(eventOf(d, uidValidity, junk, found.arrival, found.raw, opts));
    }
    const created = repo.commitPass({
      username,
      folder: junk,
      cursor: { uidValidity, uidNext: Math.max(selected.uidNext, out.state.uidNext), highestModseq: modseq, messages: selected.exists },
      ...diffTracked(before.messages, out.state.messages),
      events,
    });
    return { kind: 'changed', created };
  } finally {
    client.off('expunge', onExpunge);
    release();
  }
}

function diffTracked(before: ReadonlyMap<number, TrackedMessage>, after: ReadonlyMap<number, TrackedMessage>): { upsert: TrackedMessage[]; remove: number[] } {
  const upsert: TrackedMessage[] = [];
  for (const m of after.values()) {
    const b = before.get(m.uid);
    if (!b || JSON.stringify(b) !== JSON.stringify(m)) upsert.push(m);
  }
  return { upsert, remove: [...before.keys()].filter((uid) => !after.has(uid)) };
}

function eventOf(d: Decision, uidValidity: number, junk: string, meta: Arrival | undefined, raw: Buffer | undefined, opts: ScanOptions): NewEvent {
  const tooLarge = meta !== undefined && meta.size > opts.maxMessageBytes;
  const e: NewEvent = {
    folder: junk,
    uidValidity,
    uid: d.uid,
    messageId: d.messageId,
    subject: meta?.subject ?? null,
    sender: meta?.sender ?? null,
    direction: d.direction,
    reason: d.reason,
    sourceFolder: d.folder,
    raw: tooLarge ? null : (raw ?? null),
  };
  if (!e.raw) e.skipReason = tooLarge ? `message larger than ${opts.maxMessageBytes} bytes` : 'message gone before it could be read';
  return e;
}

/** Reads the messages decided on while they sit in the (open) Junk folder. */
async function contentFor(
  client: ImapFlow,
  decisions: readonly Decision[],
  arrivals: ReadonlyMap<number, Arrival>,
  uidValidity: number,
  opts: ScanOptions,
): Promise<NewEvent[]> {
  if (!decisions.length) return [];
  const uids = decisions.map((d) => d.uid);
  const fetched = await client.fetchAll(uids.join(','), { uid: true, source: true, envelope: true, size: true }, { uid: true });
  const byUid = new Map(fetched.map((m) => [m.uid, m]));
  return decisions.map((d) => {
    const m = byUid.get(d.uid);
    const meta = arrivals.get(d.uid) ?? (m ? arrivalOf(m) : undefined);
    return eventOf(d, uidValidity, opts.folders.junk, meta, m?.source, opts);
  });
}

interface Found {
  folder: string;
  arrival: Arrival;
  raw: Buffer | undefined;
}

/**
 * Where did messages that left Junk go? Looks their Message-IDs up in every
 * folder but Junk; Trash is searched too, so a message found only there is
 * known as deleted. A message without a Message-ID cannot be followed.
 */
async function findDestinations(client: ImapFlow, gone: ReadonlyArray<{ uid: number; messageId: string | null }>, folders: Folders): Promise<Map<number, Found>> {
  const found = new Map<number, Found>();
  const wanted = new Map<string, number[]>();
  for (const g of gone) if (g.messageId) wanted.set(g.messageId, [...(wanted.get(g.messageId) ?? []), g.uid]);
  if (!wanted.size) return found;
  const list = await client.list();
  // Non-Trash folders first: a copy kept elsewhere beats a copy in Trash.
  const candidates = list
    .filter((f) => !f.flags.has('\\Noselect') && !f.flags.has('\\NonExistent') && !sameFolder(f.path, folders.junk))
    .sort((a, b) => Number(sameFolder(a.path, folders.trash)) - Number(sameFolder(b.path, folders.trash)));
  for (const folder of candidates) {
    const ids = [...wanted.keys()];
    if (!ids.length) break;
    const lock = await client.getMailboxLock(folder.path, { readOnly: true });
    try {
      if (!client.mailbox || !client.mailbox.exists) continue;
      const hits: number[] = [];
      for (let i = 0; i < ids.length; i += 50) {
        const chunk = ids.slice(i, i + 50).map((id) => ({ header: { 'message-id': id } }));
        const r = await client.search(chunk.length === 1 ? chunk[0]! : { or: chunk }, { uid: true });
        if (r) hits.push(...r);
      }
      if (!hits.length) continue;
      const isTrash = sameFolder(folder.path, folders.trash);
      const msgs = await client.fetchAll(hits.join(','), { uid: true, envelope: true, size: true, ...(isTrash ? {} : { source: true }) }, { uid: true });
      for (const m of msgs) {
        const id = messageIdOf(m);
        const uids = id ? wanted.get(id) : undefined;
        if (!id || !uids) continue; // a substring match of another Message-ID
        for (const uid of uids) found.set(uid, { folder: folder.path, arrival: arrivalOf(m), raw: m.source });
        wanted.delete(id);
      }
    } finally {
      lock.release();
    }
  }
  return found;
}
