// The journal of "apply to existing mail": a run and its operations are
// written together; reads name the user; the undo period of 7 days bounds
// what is listed, undone and kept, and an unfinished run is never forgotten.
import { describe, expect, test } from 'vitest';
import { ApplyRepository, type NewItem } from '../../../server/store/apply-repository.js';
import { openDatabase } from '../../../server/store/db.js';

const item = (n: number): NewItem => ({ ref: `1.${n}`, messageId: `<m${n}@x>`, subject: `S${n}`, sender: 'a@x', op: 'move', target: 'Archive' });

function setup() {
  const db = openDatabase(':memory:');
  const repo = new ApplyRepository(db);
  const age = (id: string, days: number) => db.prepare("UPDATE apply_runs SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?) WHERE id = ?").run(`-${days} days`, id);
  return { repo, age };
}

describe('ApplyRepository', () => {
  test('a run and its operations, in order, counted by state; another user sees nothing', () => {
    const { repo } = setup();
    const id = repo.create('alice', 'INBOX', ['Lists'], [item(1), item(2), item(3)]);
    repo.markStarted(id, [0, 1]);
    repo.finish(id, [{ seq: 0, state: 'done', newRef: '7.1' }, { seq: 1, state: 'gone' }]);
    expect(repo.get('alice', id)).toMatchObject({ folder: 'INBOX', rules: ['Lists'], state: 'running', total: 3, done: 1, gone: 1, undone: 0 });
    expect(repo.items(id, ['planned']).map((i) => i.seq)).toEqual([2]);
    expect(repo.items(id, ['done'])[0]).toMatchObject({ ref: '1.1', newRef: '7.1', messageId: '<m1@x>' });
    expect(repo.get('bob', id)).toBeNull();
    expect(repo.list('bob')).toEqual([]);
    expect(repo.unfinished()).toEqual([{ id, username: 'alice', state: 'running' }]);
  });

  test('only started operations move to started; a finished one is not restarted', () => {
    const { repo } = setup();
    const id = repo.create('alice', 'INBOX', ['x'], [item(1)]);
    repo.finish(id, [{ seq: 0, state: 'done' }]);
    repo.markStarted(id, [0]);
    expect(repo.items(id, ['done'])).toHaveLength(1);
  });

  test('past 7 days a run is no longer listed or undoable and is pruned, unless it is unfinished', () => {
    const { repo, age } = setup();
    const old = repo.create('alice', 'INBOX', ['x'], [item(1)]);
    repo.setState(old, 'done');
    const stuck = repo.create('alice', 'INBOX', ['x'], [item(2)]);
    const fresh = repo.create('alice', 'INBOX', ['x'], [item(3)]);
    repo.setState(fresh, 'done');
    age(old, 8);
    age(stuck, 8);
    age(fresh, 6);
    expect(repo.list('alice').map((r) => r.id)).toEqual([fresh]);
    expect(repo.undoable(old)).toBe(false);
    expect(repo.undoable(fresh)).toBe(true);
    expect(repo.prune()).toBe(1);
    expect(repo.get('alice', old)).toBeNull();
    expect(repo.items(old, ['planned', 'done'])).toEqual([]);
    expect(repo.get('alice', stuck)).not.toBeNull();
  });
});
