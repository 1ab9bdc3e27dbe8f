// Immutable list edits used by every list editor (rules, conditions,
// actions, senders): each returns a new array and leaves the input alone.

export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const out = items.slice();
  if (from < 0 || from >= out.length) return out;
  const target = Math.max(0, Math.min(out.length - 1, to));
  const [item] = out.splice(from, 1);
  out.splice(target, 0, item as T);
  return out;
}

export function replaceAt<T>(items: readonly T[], index: number, value: T): T[] {
  const out = items.slice();
  out[index] = value;
  return out;
}

export function removeAt<T>(items: readonly T[], index: number): T[] {
  return items.filter((_, i) => i !== index);
}

export function insertAt<T>(items: readonly T[], index: number, value: T): T[] {
  const out = items.slice();
  out.splice(index, 0, value);
  return out;
}
