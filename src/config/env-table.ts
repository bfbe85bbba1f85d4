import { z } from 'zod';
import { envSchema } from './env.schema.js';

/** The README's table of variables, built from the schema so that the two cannot drift apart. */
export function environmentTable(): string {
  const rows = Object.entries(envSchema.shape).map(([name, field]) => {
    const schema = field as z.ZodType;
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { default?: unknown };
    const fallback = json.default === undefined ? '—' : `\`${String(json.default)}\``;
    return `| \`${name}\` | ${schema.description ?? ''} | ${fallback} |`;
  });
  return ['| variable | rôle | défaut (développement) |', '| --- | --- | --- |', ...rows].join('\n');
}
