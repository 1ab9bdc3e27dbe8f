// Cuts a parsed script into the pieces the importer decides on one at a time:
// each `require`, each `if` with its `elsif`/`else` chain, each other
// top-level command. Comments go to the piece they sit in, or to the next one
// when they sit between pieces.
import type { SieveComment, SieveCommand, SieveScript } from '../sieve-ast.js';

export interface Unit {
  kind: 'require' | 'chain' | 'command';
  commands: SieveCommand[];
  /** Offsets of the first and just past the last command. */
  start: number;
  end: number;
  /** Comments between the previous unit and this one. */
  leading: SieveComment[];
  /** Comments inside the unit's text. */
  inner: SieveComment[];
}

export function splitUnits(script: SieveScript): { units: Unit[]; trailing: SieveComment[] } {
  const units: Unit[] = [];
  const cmds = script.commands;
  for (let i = 0; i < cmds.length; i++) {
    const first = cmds[i]!;
    const name = first.name.toLowerCase();
    const commands = [first];
    if (name === 'if') {
      while (i + 1 < cmds.length && isContinuation(cmds[i + 1]!, commands)) commands.push(cmds[++i]!);
    }
    const kind = name === 'require' ? 'require' : name === 'if' ? 'chain' : 'command';
    units.push({ kind, commands, start: first.loc.start.offset, end: commands[commands.length - 1]!.loc.end.offset, leading: [], inner: [] });
  }
  const trailing: SieveComment[] = [];
  let u = 0;
  for (const comment of script.comments) {
    const at = comment.loc.start.offset;
    while (u < units.length && units[u]!.end <= at) u++;
    const unit = units[u];
    if (!unit) trailing.push(comment);
    else if (at >= unit.start) unit.inner.push(comment);
    else unit.leading.push(comment);
  }
  return { units, trailing };
}

/** `elsif` may follow `if` or `elsif`; `else` ends the chain. */
function isContinuation(next: SieveCommand, chain: SieveCommand[]): boolean {
  const last = chain[chain.length - 1]!.name.toLowerCase();
  if (last === 'else') return false;
  const n = next.name.toLowerCase();
  return n === 'elsif' || n === 'else';
}
