// Lookups of user-written names (Sieve commands, tags, procmail variables)
// in constant tables: only the table's own entries count, so a name such as
// `__proto__` or `toString` never finds a member every object inherits.
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
