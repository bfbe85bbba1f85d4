export interface Form {
  action: string;
  method: string;
  fields: Record<string, string>;
}

const attribute = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

const decode = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The forms of a page with their hidden, pre-filled and checked inputs. Enough for our own templates. */
export function formsOf(html: string): Form[] {
  return [...html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)].map(([form]) => {
    const open = /<form\b[^>]*>/.exec(form)?.[0] ?? '';
    const fields: Record<string, string> = {};
    for (const [input] of form.matchAll(/<input\b[^>]*>/g)) {
      const name = attribute(input, 'name');
      // As a browser sends them: a radio button or a check box only when checked.
      const unchecked = /\stype="(radio|checkbox)"/.test(input) && !/\schecked\b/.test(input);
      if (name && !unchecked) fields[name] = decode(attribute(input, 'value') ?? '');
    }
    return { action: decode(attribute(open, 'action') ?? ''), method: (attribute(open, 'method') ?? 'get').toLowerCase(), fields };
  });
}

export function formWithAction(html: string, action: string | RegExp): Form {
  const form = formsOf(html).find((f) => (typeof action === 'string' ? f.action === action : action.test(f.action)));
  if (!form) throw new Error(`aucun formulaire vers ${String(action)}`);
  return form;
}

/** Visible text, tags removed and white space folded, to assert on what a person reads. */
export function textOf(html: string): string {
  return decode(html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

export const titleOf = (html: string) => decode(/<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '').trim();
