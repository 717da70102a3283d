// Prints docs/configuration.md from the configuration schema itself: every setting, its default and
// its meaning (each field's own description, declared once beside it in common/config.ts,
// common/ceremony-config.ts and identity/auth-config.ts), and the environment variable that sets it,
// so the document cannot drift from the code (a test compares them).
import { z } from 'zod';
import { configSchema, environmentVariables } from '../common/config.js';

interface Setting {
  path: string;
  description: string | undefined;
  default: unknown;
}

/** The schema under its wrappers (default, prefault, optional, a pipe's input), and the first description met on the way. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; description: string | undefined } {
  let cursor: z.ZodType = schema;
  let description = schema.description;
  for (;;) {
    if (cursor instanceof z.ZodDefault || cursor instanceof z.ZodPrefault || cursor instanceof z.ZodOptional || cursor instanceof z.ZodNullable) {
      cursor = cursor.unwrap() as z.ZodType;
    } else if (cursor instanceof z.ZodPipe) {
      cursor = cursor.in as z.ZodType;
    } else {
      return { inner: cursor, description };
    }
    description ??= cursor.description;
  }
}

/** Every leaf setting of an object schema, by dotted path (nested objects are walked, arrays and records are leaves). */
function settings(schema: z.ZodObject, defaults: Record<string, unknown> | undefined, prefix: string[] = []): Setting[] {
  return Object.entries(schema.shape).flatMap(([key, field]) => {
    const { inner, description } = unwrap(field as z.ZodType);
    const value = defaults?.[key];
    if (inner instanceof z.ZodObject) return settings(inner, value as Record<string, unknown> | undefined, [...prefix, key]);
    return [{ path: [...prefix, key].join('.'), description, default: value }];
  });
}

/** The settings of the configuration, sorted by path, with their defaults and descriptions. */
export function configSettings(): Setting[] {
  const defaults = configSchema.parse({}) as Record<string, unknown>;
  return settings(configSchema, defaults).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function renderConfigDoc(): string {
  const envByPath = new Map(environmentVariables.map((v) => [v.path.join('.'), v.name]));
  const rows = configSettings().map((s) => {
    const shown = s.default === undefined ? '(unset)' : `\`${JSON.stringify(s.default)}\``;
    const env = envByPath.get(s.path);
    return `| \`${s.path}\` | ${shown} | ${env === undefined ? '' : `\`${env}\``} | ${s.description ?? ''} |`;
  });
  return [
    '# Configuration',
    '',
    'One typed schema (`common/config.ts`). Sources, lowest precedence first: built-in defaults, a JSON',
    'file (`--config FILE` or `CEREMONY_CONFIG`), environment variables, command-line flags (`--port`,',
    '`--host`, `--data-dir`). Unknown keys and invalid values stop the program at start with a message',
    "naming the field. This file is generated from the schema (each setting's meaning is its field's",
    'description) by `npx tsx scripts/gen-config-doc.ts > docs/configuration.md`; a test fails when it is',
    'out of date.',
    '',
    '| setting | default | environment | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(renderConfigDoc());
