import { describe, expect, test } from 'vitest';
import { isOwnScript, planActivation } from '../../../server/deploy/activation.js';
import { backoffDelay } from '../../../server/deploy/backoff.js';

const s = (name: string, active = false) => ({ name, active });

describe('activation plan', () => {
  test('a first deploy uploads into slot a', () => {
    expect(planActivation([], 'sw', false)).toEqual({ kind: 'deploy', newName: 'sw-a', clearFirst: false, removeAfter: [], replacesForeign: null });
  });

  test('the upload goes into the slot that is not active, and the active one is removed afterwards', () => {
    expect(planActivation([s('sw-a', true)], 'sw', false)).toMatchObject({ newName: 'sw-b', removeAfter: ['sw-a'], clearFirst: false });
    expect(planActivation([s('sw-b', true), s('sw-a')], 'sw', false)).toMatchObject({ newName: 'sw-a', removeAfter: ['sw-b'], clearFirst: true });
  });

  test('a foreign active script is reported, not replaced', () => {
    expect(planActivation([s('roundcube', true), s('sw-a')], 'sw', false)).toEqual({ kind: 'foreign-active', activeScript: 'roundcube' });
  });

  test('with takeOver the foreign script is deactivated but never scheduled for deletion', () => {
    const plan = planActivation([s('roundcube', true), s('sw-b'), s('notes')], 'sw', true);
    expect(plan).toEqual({ kind: 'deploy', newName: 'sw-a', clearFirst: false, removeAfter: ['sw-b'], replacesForeign: 'roundcube' });
  });

  test("with the user's consent for exactly the active foreign script it is deactivated, not deleted", () => {
    const plan = planActivation([s('roundcube', true), s('sw-b'), s('notes')], 'sw', false, 'roundcube');
    expect(plan).toEqual({ kind: 'deploy', newName: 'sw-a', clearFirst: false, removeAfter: ['sw-b'], replacesForeign: 'roundcube' });
  });

  test('a consent for another script name does not replace the active one', () => {
    expect(planActivation([s('vacation', true), s('roundcube')], 'sw', false, 'roundcube')).toEqual({ kind: 'foreign-active', activeScript: 'vacation' });
    expect(planActivation([s('Roundcube', true)], 'sw', false, 'roundcube')).toEqual({ kind: 'foreign-active', activeScript: 'Roundcube' });
  });

  test('a consent changes nothing when sievewright is already active or nothing is', () => {
    expect(planActivation([s('sw-a', true), s('roundcube')], 'sw', false, 'roundcube')).toMatchObject({ kind: 'deploy', newName: 'sw-b', replacesForeign: null });
    expect(planActivation([s('roundcube')], 'sw', false, 'roundcube')).toMatchObject({ kind: 'deploy', newName: 'sw-a', replacesForeign: null });
  });

  test('only the bare name and the two slots count as sievewright scripts', () => {
    expect(['sw', 'sw-a', 'sw-b'].every((n) => isOwnScript('sw', n))).toBe(true);
    expect(['sw-c', 'sw-a2', 'xsw-a', 'SW-a', 'sw-'].some((n) => isOwnScript('sw', n))).toBe(false);
  });
});

describe('backoff', () => {
  test('delays double per attempt within a jitter band and stop at the maximum', () => {
    const opts = { baseMs: 1000, maxMs: 8000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, opts, () => 0))).toEqual([500, 1000, 2000, 4000, 4000]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, opts, () => 0.999999))).toEqual([1000, 2000, 4000, 8000, 8000]);
  });
});
