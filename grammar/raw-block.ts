// A raw Sieve block read the way the server will read it: parsed with the
// project's Sieve grammar, and every extension it needs checked against its
// own `requires` and the server's capability list. The emitter copies the
// block verbatim into the user's script, and Pigeonhole refuses the whole
// script (the admin's locked rules included) when one block is broken, so a
// block is checked whenever its rule set is validated.
//
// Positions in the messages are the block's own lines and columns (line 1 is
// the block's first line), since that is the text the user wrote.
import { capabilitySet, PIGEONHOLE_CAPABILITIES } from './capabilities.js';
import { error, type Diagnostic, type DiagnosticCode, type Position } from './diagnostics.js';
import { parseSieve } from './import/sieve-parse.js';
import type { SieveLimits } from './limits.js';
import type { RawBlock } from './model.js';
import type { SieveArgument, SieveCommand, SieveScript, SieveTest } from './sieve-ast.js';
import { namesGlobal, referencesGlobal } from './import/sieve-requires.js';
import { comparatorExtension, extensionsFor } from './sieve-extensions.js';

export interface RawBlockOptions {
  /** The server's SIEVE capability list; default PIGEONHOLE_CAPABILITIES. */
  capabilities?: readonly string[];
  limits?: Partial<SieveLimits>;
}

export interface ParsedRawBlock {
  /** The block's syntax tree, or null when it does not parse. */
  script: SieveScript | null;
  /**
   * Each names the block and says where in it; `start`/`end`, when present,
   * are positions in the block's own text.
   */
  diagnostics: Diagnostic[];
}

/** How a block is named in messages: `raw block "NAME"`, or by its place among the rules. */
export function rawBlockLabel(raw: RawBlock, index?: number): string {
  if (raw.name !== undefined && raw.name !== '') return `raw block ${JSON.stringify(raw.name)}`;
  return index === undefined ? 'raw block' : `raw block #${index + 1}`;
}

export function parseRawBlock(raw: RawBlock, label = rawBlockLabel(raw), opts: RawBlockOptions = {}): ParsedRawBlock {
  const checked = checkRawBlock(raw, opts);
  const at = (p: Position | undefined): string => (p ? `, line ${p.line}, column ${p.column}` : '');
  return { script: checked.script, diagnostics: checked.diagnostics.map((d) => ({ ...d, message: `${label}${at(d.start)}: ${d.message}` })) };
}

/**
 * The same checks with bare messages: for an editor that shows the block on
 * its own and gives each message its line and column beside the text.
 */
export function checkRawBlock(raw: RawBlock, opts: RawBlockOptions = {}): ParsedRawBlock {
  const parsed = parseSieve(raw.sieve, opts.limits);
  const diagnostics = [...parsed.diagnostics];
  if (!parsed.value) return { script: null, diagnostics };
  const fail = (code: DiagnosticCode, message: string, node?: { loc: { start: Position; end: Position } }): void => {
    const start = node ? { line: node.loc.start.line, column: node.loc.start.column } : undefined;
    const end = node ? { line: node.loc.end.line, column: node.loc.end.column } : undefined;
    diagnostics.push(error(code, message, start, end));
  };
  const server = capabilitySet(opts.capabilities ?? PIGEONHOLE_CAPABILITIES);
  const declared = capabilitySet(raw.requires);
  for (const ext of [...declared].sort()) {
    if (!server.has(ext)) fail('unsupported_extension', `needs the Sieve extension "${ext}", which the server does not offer`);
  }
  for (const use of extensionUses(parsed.value.commands, declared.has('variables'))) {
    if (use.kind === 'require') {
      fail('raw_require', `"require" is only allowed at the start of the script; list the extensions in the block's requires instead`, use.node);
    } else if (!use.extensions.some((e) => declared.has(e))) {
      const ext = use.extensions[0]!;
      const offered = server.has(ext) ? '' : ` (and the server does not offer "${ext}")`;
      fail('raw_missing_require', `${use.kind} "${use.name}" needs the Sieve extension "${ext}"; add it to the block's requires${offered}`, use.node);
    }
  }
  return { script: parsed.value, diagnostics };
}

interface ExtensionUse {
  kind: 'command' | 'test' | 'tag' | 'comparator' | 'namespace' | 'require';
  name: string;
  /** Any one of these makes the name known. */
  extensions: readonly string[];
  node: { loc: { start: Position; end: Position } };
}

/**
 * Every use of a name that needs an extension, first use first, each name
 * once. Under "variables", a `global.` variable needs "include" (Pigeonhole:
 * "unknown namespace 'global'").
 */
function extensionUses(commands: readonly SieveCommand[], variables: boolean): ExtensionUse[] {
  const out: ExtensionUse[] = [];
  const seen = new Set<string>();
  const add = (use: ExtensionUse): void => {
    const key = `${use.kind}\u0000${use.name.toLowerCase()}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(use);
  };
  const namespace = (node: ExtensionUse['node']): void => add({ kind: 'namespace', name: 'global', extensions: ['include'], node });
  const visitArguments = (owner: string, args: readonly SieveArgument[]): void => {
    args.forEach((arg, i) => {
      if (variables && arg.type === 'string' && referencesGlobal(arg.value)) namespace(arg);
      if (variables && arg.type === 'string-list') arg.items.filter((s) => referencesGlobal(s.value)).forEach(namespace);
      if (arg.type !== 'tag') return;
      const tag = extensionsFor('tag', arg.name, owner);
      if (tag) add({ kind: 'tag', name: `:${arg.name}`, extensions: tag, node: arg });
      const next = args[i + 1];
      if (arg.name.toLowerCase() === 'comparator' && next?.type === 'string') {
        const ext = comparatorExtension(next.value);
        if (ext) add({ kind: 'comparator', name: next.value, extensions: [ext], node: next });
      }
    });
  };
  const visitTest = (t: SieveTest): void => {
    const exts = extensionsFor('test', t.name);
    if (exts) add({ kind: 'test', name: t.name, extensions: exts, node: t });
    visitArguments(t.name, t.arguments);
    t.tests.forEach(visitTest);
  };
  const visitCommand = (c: SieveCommand): void => {
    if (c.name.toLowerCase() === 'require') {
      out.push({ kind: 'require', name: c.name, extensions: [], node: c });
      return;
    }
    const exts = extensionsFor('command', c.name);
    if (exts) add({ kind: 'command', name: c.name, extensions: exts, node: c });
    const name = c.arguments.find((a) => a.type !== 'tag');
    if (variables && c.name.toLowerCase() === 'set' && name?.type === 'string' && namesGlobal(name.value)) namespace(name);
    visitArguments(c.name, c.arguments);
    c.tests.forEach(visitTest);
    c.block?.forEach(visitCommand);
  };
  commands.forEach(visitCommand);
  return out;
}
