// The raw block editor's live checks: each problem at its line in the block,
// and an error exactly when the server would refuse the save.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PIGEONHOLE_CAPABILITIES } from '../../../grammar/capabilities.js';
import { hasErrors } from '../../../grammar/diagnostics.js';
import { emptyRuleSet, type RawBlock } from '../../../grammar/model.js';
import { checkPolicy, DEFAULT_POLICY, type Policy } from '../../../grammar/policy.js';
import { validateRuleSet } from '../../../grammar/validate.js';
import { rawBlockChecks } from '../../../web/lib/raw-block-checks.js';

const block = (sieve: string, requires: string[] = [], more: Partial<RawBlock> = {}): RawBlock => ({ kind: 'raw', sieve, requires, enabled: true, ...more });
const server = (policy: Partial<Policy> = {}, capabilities: readonly string[] = PIGEONHOLE_CAPABILITIES) => ({ capabilities, policy: { ...DEFAULT_POLICY, ...policy } });
const brief = (raw: RawBlock, s = server()) =>
  rawBlockChecks(raw, s).map((d) => ({ severity: d.severity, code: d.code, line: d.start?.line, column: d.start?.column }));

describe('rawBlockChecks', () => {
  test('a syntax error is placed at its line and column in the block', () => {
    const diags = rawBlockChecks(block('if header :contains "subject" "x" {\n  fileinto "A";\n}\nkeep\n', ['fileinto']), server());
    expect(diags).toHaveLength(1);
    expect(diags[0]).toMatchObject({ severity: 'error', start: { line: 5, column: 1 } });
    // The message is bare: the editor shows the line and column beside it.
    expect(diags[0]!.message).not.toMatch(/raw block|line \d/);
  });

  test('a command without its require is an error at the command; with it, the block is clean', () => {
    expect(brief(block('# sort\nfileinto "Lists";'))).toEqual([{ severity: 'error', code: 'raw_missing_require', line: 2, column: 1 }]);
    expect(brief(block('# sort\nfileinto "Lists";', ['fileinto']))).toEqual([]);
  });

  test('the server\'s capability list decides, not the default one', () => {
    const vacation = block('vacation "away";', ['vacation']);
    expect(brief(vacation)).toEqual([]);
    expect(brief(vacation, server({}, ['fileinto']))).toEqual([{ severity: 'error', code: 'unsupported_extension', line: undefined, column: undefined }]);
  });

  test('a requires entry that is not a capability name is an error, as on the server', () => {
    expect(brief(block('keep;', ['file into']))).toEqual([
      { severity: 'error', code: 'unsupported_extension', line: undefined, column: undefined },
      { severity: 'error', code: 'bad_capability', line: undefined, column: undefined },
    ]);
  });

  test('forwarding outside the allowed domains: an error at the redirect when refused, a warning when it raises an alert', () => {
    const fwd = block('if true {\n  redirect "me@elsewhere.example";\n}');
    expect(brief(fwd, server({ allowedRedirectDomains: ['example.org'], redirectOutside: 'refuse' }))).toEqual([
      { severity: 'error', code: 'policy', line: 2, column: 3 },
    ]);
    const alert = rawBlockChecks(fwd, server({ allowedRedirectDomains: ['example.org'], redirectOutside: 'alert' }));
    expect(alert).toMatchObject([{ severity: 'warning', code: 'policy', start: { line: 2, column: 3 } }]);
    expect(alert[0]!.message).toContain('me@elsewhere.example');
    expect(brief(fwd, server({ allowedRedirectDomains: ['elsewhere.example'], redirectOutside: 'refuse' }))).toEqual([]);
  });

  test('a policy without Sieve blocks refuses the block', () => {
    const diags = rawBlockChecks(block('keep;'), server({ allowedActions: ['keep'] }));
    expect(diags).toMatchObject([{ severity: 'error', code: 'policy' }]);
  });

  test('a switched-off block is not read by the server: its problems are shown, but only as warnings', () => {
    const diags = rawBlockChecks(block('fileinto "A"', [], { enabled: false }), server());
    expect(diags.length).toBeGreaterThan(0);
    expect(hasErrors(diags)).toBe(false);
  });

  test('an error in the editor exactly when the server refuses the save (generated blocks)', () => {
    const lines = [
      'keep;', 'fileinto "Junk";', 'redirect "a@example.org";', 'redirect "b@elsewhere.example";', 'if true {', '}', 'vacation "away";',
      'require "fileinto";', 'if header :contains "subject" "x" { stop; }', 'discard', 'setflag "\\\\Seen";', '"x";', '# note', 'notify "mailto:c@elsewhere.example";',
    ];
    const exts = ['fileinto', 'vacation', 'imap4flags', 'enotify', 'nonsense', 'bad name'];
    const arb = fc.record({
      body: fc.array(fc.constantFrom(...lines), { maxLength: 6 }),
      requires: fc.uniqueArray(fc.constantFrom(...exts), { maxLength: 4 }),
      enabled: fc.boolean(),
      refuse: fc.boolean(),
      rawAllowed: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, ({ body, requires, enabled, refuse, rawAllowed }) => {
        const raw = block(body.join('\n'), requires, { enabled });
        const policy: Policy = { ...DEFAULT_POLICY, allowedRedirectDomains: ['example.org'], redirectOutside: refuse ? 'refuse' : 'alert', allowedActions: rawAllowed ? ['keep', 'raw'] : ['keep'] };
        const rs = { ...emptyRuleSet(), rules: [raw] };
        const opts = { capabilities: PIGEONHOLE_CAPABILITIES };
        const serverRefuses = checkPolicy(rs, undefined, policy).violations.length > 0 || hasErrors(validateRuleSet(rs, opts));
        const editorRefuses = hasErrors(rawBlockChecks(raw, { ...opts, policy }));
        expect(editorRefuses).toBe(serverRefuses);
      }),
      { seed: 20261203, numRuns: 400 },
    );
  });
});
