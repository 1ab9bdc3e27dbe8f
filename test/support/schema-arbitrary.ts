// fast-check values of any shape a TypeBox schema allows, read from the
// schema itself, so a property over "every schema-valid model" follows the
// model when it changes. Strings and numbers lean to the awkward: empty,
// NUL, lone surrogates, control characters, huge integers.
import fc from 'fast-check';
import { Kind, OptionalKind, type TSchema } from '@sinclair/typebox';

const AWKWARD = ['', ' ', '\u0000', '\uD800', 'a\uDC00', '\r\n', '\\', '"', '#', '*@example.org', 'a@b.example', '2026-02-30', '${x}', '(', '[a-', 'Subject'];

const text = fc.oneof(fc.constantFrom(...AWKWARD), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 6 }));

interface Schema extends TSchema {
  anyOf?: TSchema[];
  items?: TSchema;
  properties?: Record<string, TSchema>;
  const?: unknown;
  minimum?: number;
  maxItems?: number;
  $ref?: string;
}

function hasSelf(s: Schema): boolean {
  if (s[Kind] === 'This') return true;
  return [...(s.anyOf ?? []), ...(s.items ? [s.items] : []), ...Object.values(s.properties ?? {})].some((x) => hasSelf(x as Schema));
}

/**
 * Values `schema` accepts; recursive schemas nest at most `depth` levels,
 * below which only their variants without a self-reference are drawn.
 */
export function arbFromSchema(schema: TSchema, depth = 3): fc.Arbitrary<unknown> {
  const recursive = new Map<string, Schema>();
  const arb = (s: Schema, left: number): fc.Arbitrary<unknown> => {
    if (s.$id !== undefined && s.anyOf) recursive.set(s.$id, s);
    switch (s[Kind]) {
      case 'This': {
        const target = recursive.get(s.$ref!)!;
        const variants = left > 0 ? target.anyOf! : target.anyOf!.filter((v) => !hasSelf(v as Schema));
        return fc.oneof(...variants.map((v) => arb(v as Schema, left - 1)));
      }
      case 'Union':
        return fc.oneof(...s.anyOf!.map((v) => arb(v as Schema, left)));
      case 'Literal':
        return fc.constant(s.const);
      case 'String':
        return text;
      case 'Boolean':
        return fc.boolean();
      case 'Number':
        return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
      case 'Integer': {
        const min = s.minimum ?? -1000;
        return fc.oneof(fc.integer({ min, max: min + 100_000 }), fc.constant(2 ** 60));
      }
      case 'Array':
        return fc.array(arb(s.items as Schema, left), { maxLength: Math.min(s.maxItems ?? 3, 3) });
      case 'Object': {
        const props = Object.entries(s.properties!);
        const model = Object.fromEntries(props.map(([k, v]) => [k, arb(v as Schema, left)]));
        const requiredKeys = props.filter(([, v]) => v[OptionalKind] !== 'Optional').map(([k]) => k);
        return fc.record(model, { requiredKeys, noNullPrototype: true });
      }
      default:
        throw new Error(`arbFromSchema: no arbitrary for ${String(s[Kind])}`);
    }
  };
  return arb(schema as Schema, depth);
}
