import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FILTER_JUNK_KEYWORD } from '../../../grammar/model.js';
import { baseline, decide, type JunkState, type Observation } from '../../../server/learning/decide.js';

const folders = { junk: 'Junk', trash: 'Trash' };
const none: JunkState = { uidNext: 1, messages: new Map() };
const arrived = (uid: number, flags: string[] = [], messageId: string | null = `<m${uid}@x>`): Observation => ({ kind: 'arrived', uid, messageId, flags });
const departed = (uid: number, destination: string | null): Observation => ({ kind: 'departed', uid, destination });
const flagsOf = (uid: number, flags: string[]): Observation => ({ kind: 'flags', uid, flags });
const summary = (obs: Observation[], state: JunkState = none) =>
  decide(state, obs, folders).decisions.map((d) => `${d.uid}:${d.direction}:${d.reason}:${d.folder}`);

describe('decide', () => {
  test('a message the user moved into Junk is learned as spam', () => {
    expect(summary([arrived(1)])).toEqual(['1:spam:moved-in:Junk']);
  });

  test('a message the filter filed into Junk (with its keyword) is not learned', () => {
    expect(summary([arrived(1, [FILTER_JUNK_KEYWORD, '\\Recent'])])).toEqual([]);
  });

  test('the filter keyword is recognised case-insensitively, as IMAP keywords are', () => {
    expect(summary([arrived(1, [FILTER_JUNK_KEYWORD.toLowerCase()])])).toEqual([]);
  });

  test('moving out of Junk to a folder other than Trash is learned as ham, from that folder', () => {
    expect(summary([arrived(1), departed(1, 'Work')])).toEqual(['1:spam:moved-in:Junk', '1:ham:moved-out:Work']);
  });

  test('moving a filter-filed message out of Junk teaches ham (the filter was wrong)', () => {
    expect(summary([arrived(1, [FILTER_JUNK_KEYWORD]), departed(1, 'INBOX')])).toEqual(['1:ham:moved-out:INBOX']);
  });

  test('moving spam to Trash or deleting it teaches nothing', () => {
    expect(summary([arrived(1, [FILTER_JUNK_KEYWORD]), departed(1, 'Trash'), arrived(2, [FILTER_JUNK_KEYWORD]), departed(2, null)])).toEqual([]);
  });

  test('$NotJunk set on a message in Junk is ham once, and moving it out afterwards adds nothing', () => {
    expect(summary([arrived(1, [FILTER_JUNK_KEYWORD]), flagsOf(1, [FILTER_JUNK_KEYWORD, '$NotJunk']), departed(1, 'INBOX')])).toEqual([
      '1:ham:marked-not-junk:Junk',
    ]);
  });

  test('$Junk set later on a filter-filed message is the user confirming spam', () => {
    expect(summary([arrived(1, [FILTER_JUNK_KEYWORD]), flagsOf(1, [FILTER_JUNK_KEYWORD, '$Junk'])])).toEqual(['1:spam:marked-junk:Junk']);
  });

  test('a message arriving with $NotJunk is not taken as spam', () => {
    expect(summary([arrived(1, ['$NotJunk'])])).toEqual([]);
  });

  test('flags or departures of a UID never seen are ignored', () => {
    expect(summary([flagsOf(9, ['$NotJunk']), departed(9, 'INBOX')])).toEqual([]);
  });

  test('an arrival below the known UIDNEXT (re-read after it left again) is not learned again', () => {
    expect(summary([arrived(1), departed(1, 'Trash'), arrived(1)])).toEqual(['1:spam:moved-in:Junk']);
  });

  test('into Junk, out, and into Junk again (a new UID) is spam, ham, spam', () => {
    expect(summary([arrived(1), departed(1, 'INBOX'), arrived(2, [], '<m1@x>')])).toEqual([
      '1:spam:moved-in:Junk',
      '1:ham:moved-out:INBOX',
      '2:spam:moved-in:Junk',
    ]);
  });

  test('messages found at baseline are never learned as spam but teach ham when moved out', () => {
    const state = baseline([
      { uid: 5, messageId: '<a@x>', flags: [] },
      { uid: 6, messageId: '<b@x>', flags: [FILTER_JUNK_KEYWORD] },
    ], 7);
    expect(summary([arrived(5), arrived(6), departed(5, 'INBOX'), departed(6, 'Trash')], state)).toEqual(['5:ham:moved-out:INBOX']);
  });

  test('the input state is not mutated', () => {
    const state = baseline([{ uid: 1, messageId: null, flags: [] }], 2);
    const copy = structuredClone(state);
    decide(state, [flagsOf(1, ['$NotJunk']), departed(1, 'INBOX')], folders);
    expect(state).toEqual(copy);
  });
});

// ----------------------------------------------------------------- properties

type Action =
  | { t: 'fileByFilter' }
  | { t: 'userMovesIn' }
  | { t: 'moveOut'; pick: number; to: 'INBOX' | 'Work' | 'Trash' | null }
  | { t: 'flag'; pick: number; flag: '$Junk' | '$NotJunk' };

const arbAction: fc.Arbitrary<Action> = fc.oneof(
  fc.constant<Action>({ t: 'fileByFilter' }),
  fc.constant<Action>({ t: 'userMovesIn' }),
  fc.record({ t: fc.constant('moveOut' as const), pick: fc.nat(), to: fc.constantFrom('INBOX' as const, 'Work' as const, 'Trash' as const, null) }),
  fc.record({ t: fc.constant('flag' as const), pick: fc.nat(), flag: fc.constantFrom('$Junk' as const, '$NotJunk' as const) }),
);

/**
 * Plays user actions on a model Junk folder and returns the observations a
 * watcher polling after every action would make, plus the intended lessons.
 */
function play(actions: Action[]): { observations: Observation[]; expected: string[] } {
  const junk = new Map<number, { flags: Set<string>; spam: boolean; ham: boolean }>();
  const observations: Observation[] = [];
  const expected: string[] = [];
  let nextUid = 1;
  for (const a of actions) {
    if (a.t === 'fileByFilter' || a.t === 'userMovesIn') {
      const uid = nextUid++;
      const filtered = a.t === 'fileByFilter';
      junk.set(uid, { flags: new Set(filtered ? [FILTER_JUNK_KEYWORD] : []), spam: !filtered, ham: false });
      observations.push(arrived(uid, filtered ? [FILTER_JUNK_KEYWORD] : []));
      if (!filtered) expected.push(`${uid}:spam`);
      continue;
    }
    const uids = [...junk.keys()];
    if (!uids.length) continue;
    const uid = uids[a.pick % uids.length]!;
    const m = junk.get(uid)!;
    if (a.t === 'moveOut') {
      junk.delete(uid);
      observations.push(departed(uid, a.to));
      if ((a.to === 'INBOX' || a.to === 'Work') && !m.ham) expected.push(`${uid}:ham`);
    } else if (!m.flags.has(a.flag)) {
      m.flags.add(a.flag);
      observations.push(flagsOf(uid, [...m.flags]));
      if (a.flag === '$NotJunk' && !m.ham) {
        m.ham = true;
        expected.push(`${uid}:ham`);
      } else if (a.flag === '$Junk' && !m.flags.has('$NotJunk') && !m.spam) {
        m.spam = true;
        expected.push(`${uid}:spam`);
      }
    }
  }
  return { observations, expected };
}

/** Feeds observations in the given batches, carrying the state between them (like passes). */
function runBatched(observations: Observation[], cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (observations.length + 1)))].sort((a, b) => a - b);
  let state: JunkState = none;
  const out: string[] = [];
  let from = 0;
  for (const to of [...points, observations.length]) {
    const r = decide(state, observations.slice(from, to), folders);
    out.push(...r.decisions.map((d) => `${d.uid}:${d.direction}`));
    state = r.state;
    from = to;
  }
  return out;
}

describe('decide (properties)', () => {
  test('for any sequence of user actions, exactly the intended lessons are decided, each once', () => {
    fc.assert(
      fc.property(fc.array(arbAction, { maxLength: 60 }), (actions) => {
        const { observations, expected } = play(actions);
        const got = runBatched(observations, []);
        expect(got).toEqual(expected);
        expect(new Set(got).size).toBe(got.length);
      }),
    );
  });

  test('how observations are split into passes does not change what is learned', () => {
    fc.assert(
      fc.property(fc.array(arbAction, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 8 }), (actions, cuts) => {
        const { observations } = play(actions);
        expect(runBatched(observations, cuts)).toEqual(runBatched(observations, []));
      }),
    );
  });

  test('replaying a pass after a crash (same observations on the committed state) decides nothing new', () => {
    fc.assert(
      fc.property(fc.array(arbAction, { maxLength: 60 }), fc.nat(), (actions, cut) => {
        const { observations } = play(actions);
        const k = cut % (observations.length + 1);
        const first = decide(none, observations.slice(0, k), folders);
        const replay = decide(first.state, observations.slice(0, k), folders);
        // Re-read arrivals below uidNext, flags already known and departures
        // of removed UIDs are all ignored.
        expect(replay.decisions).toEqual([]);
      }),
    );
  });

  test('observations in any order never decide the same direction twice for one Junk stay', () => {
    fc.assert(
      fc.property(fc.array(arbAction, { maxLength: 40 }), fc.func(fc.integer()), (actions, key) => {
        const { observations } = play(actions);
        const shuffled = [...observations].sort((a, b) => key(a) - key(b));
        const got = decide(none, shuffled, folders).decisions.map((d) => `${d.uid}:${d.direction}`);
        expect(new Set(got).size).toBe(got.length);
      }),
    );
  });
});
