// The learning decision, as a pure function over what the watcher observed in
// the Junk folder since its last pass. No I/O: the imapflow adapter turns IMAP
// responses into observations and persists the returned state and decisions.
//
// Identity: a message's stay in Junk is (Junk UIDVALIDITY, UID). Every arrival
// gets a fresh UID, so "into Junk, out, into Junk again" are two stays, and
// each stay teaches spam at most once and ham at most once.
import { FILTER_JUNK_KEYWORD } from '../../grammar/model.js';

export type Direction = 'spam' | 'ham';

/** Keywords mail clients set (RFC 5788 registry): "this is junk" / "this is not junk". */
export const JUNK_KEYWORD = '$Junk';
export const NOT_JUNK_KEYWORD = '$NotJunk';

/** What the store remembers about one message currently in Junk. */
export interface TrackedMessage {
  uid: number;
  messageId: string | null;
  /** Filed into Junk by the Sieve script (carried the filter keyword on arrival). */
  filtered: boolean;
  junkFlag: boolean;
  notJunkFlag: boolean;
  spamDecided: boolean;
  hamDecided: boolean;
}

export type Observation =
  /** A UID the watcher had not seen yet is in Junk. */
  | { kind: 'arrived'; uid: number; messageId: string | null; flags: readonly string[] }
  /** The flags of a tracked message changed (CONDSTORE) or were re-read (fallback). */
  | { kind: 'flags'; uid: number; flags: readonly string[] }
  /**
   * A tracked UID is gone from Junk. `destination` is the folder where the
   * same Message-ID now is, or null when it is nowhere (deleted/expunged).
   */
  | { kind: 'departed'; uid: number; destination: string | null };

export type Reason = 'moved-in' | 'marked-junk' | 'moved-out' | 'marked-not-junk';

export interface Decision {
  uid: number;
  messageId: string | null;
  direction: Direction;
  reason: Reason;
  /** Folder that holds the message now (where to read its content from). */
  folder: string;
}

export interface Folders {
  junk: string;
  trash: string;
}

/**
 * What the watcher knows of Junk: the messages in it, and the UID below
 * which every arrival has been seen (UIDs only grow within one UIDVALIDITY),
 * so a re-read arrival of a message that has left again is not new.
 */
export interface JunkState {
  uidNext: number;
  messages: ReadonlyMap<number, TrackedMessage>;
}

export interface DecideResult {
  state: { uidNext: number; messages: Map<number, TrackedMessage> };
  decisions: Decision[];
}

function hasKeyword(flags: readonly string[], keyword: string): boolean {
  const k = keyword.toLowerCase();
  return flags.some((f) => f.toLowerCase() === k);
}

/** IMAP folder names compare case-sensitively except INBOX (RFC 3501 5.1). */
export function sameFolder(a: string, b: string): boolean {
  return a === b || (a.toUpperCase() === 'INBOX' && b.toUpperCase() === 'INBOX');
}

export function decide(state: JunkState, observations: readonly Observation[], folders: Folders): DecideResult {
  const next = new Map(state.messages);
  let uidNext = state.uidNext;
  const decisions: Decision[] = [];
  const learn = (m: TrackedMessage, direction: Direction, reason: Reason, folder: string) => {
    decisions.push({ uid: m.uid, messageId: m.messageId, direction, reason, folder });
  };

  for (const o of observations) {
    const known = next.get(o.uid);
    if (o.kind === 'arrived' && !known) {
      if (o.uid < uidNext) continue; // seen before and gone since: not an arrival
      uidNext = o.uid + 1;
      const filtered = hasKeyword(o.flags, FILTER_JUNK_KEYWORD);
      const junkFlag = hasKeyword(o.flags, JUNK_KEYWORD);
      const notJunkFlag = hasKeyword(o.flags, NOT_JUNK_KEYWORD);
      // The user put it here, unless the filter did (its keyword) or the
      // client says in the same breath that it is not junk.
      const spam = !filtered && !notJunkFlag;
      const m: TrackedMessage = { uid: o.uid, messageId: o.messageId, filtered, junkFlag, notJunkFlag, spamDecided: spam, hamDecided: false };
      next.set(o.uid, m);
      if (spam) learn(m, 'spam', 'moved-in', folders.junk);
      continue;
    }
    if (!known) continue; // flags or departure of a UID never seen: nothing to judge
    if (o.kind === 'departed') {
      next.delete(o.uid);
      const d = o.destination;
      if (d !== null && !sameFolder(d, folders.trash) && !sameFolder(d, folders.junk) && !known.hamDecided) {
        learn(known, 'ham', 'moved-out', d);
      }
      continue;
    }
    // 'flags', or 'arrived' again for a tracked UID (a replayed fetch): same thing.
    const junkFlag = hasKeyword(o.flags, JUNK_KEYWORD);
    const notJunkFlag = hasKeyword(o.flags, NOT_JUNK_KEYWORD);
    const m: TrackedMessage = { ...known, junkFlag, notJunkFlag };
    if (notJunkFlag && !known.notJunkFlag && !m.hamDecided) {
      m.hamDecided = true;
      learn(m, 'ham', 'marked-not-junk', folders.junk);
    } else if (junkFlag && !known.junkFlag && !notJunkFlag && !m.spamDecided) {
      m.spamDecided = true;
      learn(m, 'spam', 'marked-junk', folders.junk);
    }
    next.set(o.uid, m);
  }
  return { state: { uidNext, messages: next }, decisions };
}

/**
 * Messages found in Junk when there is no usable cursor (first run, or a new
 * UIDVALIDITY): remembered so that moving them out later teaches ham, but
 * never learned as spam, because nobody knows who put them there.
 */
export function baseline(messages: ReadonlyArray<{ uid: number; messageId: string | null; flags: readonly string[] }>, uidNext: number): JunkState {
  const state = new Map<number, TrackedMessage>();
  for (const m of messages) {
    state.set(m.uid, {
      uid: m.uid,
      messageId: m.messageId,
      filtered: hasKeyword(m.flags, FILTER_JUNK_KEYWORD),
      junkFlag: hasKeyword(m.flags, JUNK_KEYWORD),
      notJunkFlag: hasKeyword(m.flags, NOT_JUNK_KEYWORD),
      spamDecided: false,
      hamDecided: false,
    });
  }
  return { uidNext: messages.reduce((n, m) => Math.max(n, m.uid + 1), uidNext), messages: state };
}
