/// <reference lib="dom" />
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

/** Debian's chromium, or CHROMIUM_PATH: playwright's own browser downloads cannot reach their servers here. */
export const chromiumPath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => path !== undefined && path !== '' && existsSync(path),
);

if (chromiumPath === undefined) {
  console.warn('Chromium absent : les parcours navigateur et les contrôles axe ne sont PAS exécutés (apt-get install chromium, ou CHROMIUM_PATH).');
}

/**
 * `describe` when Chromium is installed. Without it the suite is reported as skipped on a developer's machine, and
 * fails in CI (CI=true), which must always run the browser journeys.
 */
export const describeInChromium: (name: string, suite: () => void) => void =
  chromiumPath !== undefined
    ? describe
    : process.env.CI === 'true'
      ? (name) =>
          describe(name, () => {
            it('needs Chromium, which CI must install', () => {
              throw new Error('Chromium absent en CI : .ci/run doit l’installer (apt-get install chromium).');
            });
          })
      : describe.skip;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    // On Linux, Chromium takes its interface language, which orders the fields of date inputs (jj/mm/aaaa), from
    // LANGUAGE: neither the context's locale nor --lang changes it. French needs Debian's chromium-l10n.
    env: { ...process.env, LANGUAGE: 'fr' },
  });
}

export const WIDTHS = [1280, 320] as const;
const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

/** Empties the screenshots folder, so that it holds this run's pages only, not pages that a journey no longer reaches. */
export function clearScreenshots(): void {
  rmSync(SCREENSHOTS, { recursive: true, force: true });
}

/**
 * One journey at one width. Every page it reaches goes through `check`: zero axe violations (WCAG 2.1 A and AA), no
 * horizontal scrolling, nothing blocked by the CSP, a screenshot under test-results/. Portal page titles must differ
 * from step to step. Console errors and failed requests are collected so a journey can assert there were none.
 */
export class Journey {
  readonly problems: string[] = [];
  /** Chromium's console lines about what the CSP blocked (an inline style, a font from another site…) since the last check. */
  private readonly blocked: string[] = [];
  private readonly titles = new Map<string, string>();

  private constructor(
    readonly name: string,
    readonly width: number,
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly portalOrigin: string,
    readonly javaScriptEnabled: boolean,
  ) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.problems.push(`console : ${message.text()}`);
      if (/Content Security Policy|Refused to (apply|load|execute)/.test(message.text())) this.blocked.push(message.text());
    });
    page.on('response', (response) => {
      if (response.status() >= 400) this.problems.push(`${response.status()} ${response.url()}`);
    });
  }

  static async open(browser: Browser, name: string, width: number, portalOrigin: string, javaScriptEnabled = true): Promise<Journey> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled, locale: 'fr-FR' });
    context.setDefaultTimeout(10_000);
    return new Journey(
      javaScriptEnabled ? name : `${name}-sans-javascript`,
      width,
      context,
      await context.newPage(),
      portalOrigin,
      javaScriptEnabled,
    );
  }

  async check(step: string): Promise<void> {
    const { page } = this;
    await page.waitForLoadState('load');
    const where = `${this.name}, ${step}, ${this.width} px (${page.url()})`;
    // A page that works only because of something the CSP would have to allow fails here, named, with or without JavaScript.
    expect(this.blocked.splice(0), `CSP : ${where}`).toEqual([]);

    // Page scripts cannot run with JavaScript disabled, axe's included: those journeys check that pages work and
    // take their screenshots; the same pages are audited in the journeys with JavaScript.
    if (this.javaScriptEnabled) {
      const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
      const violations = axe.violations.map((v) => `${v.id} : ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
      expect(violations, `axe : ${where}`).toEqual([]);

      const overflowing = await page.evaluate(() => {
        const limit = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= limit) return [];
        return Array.from(document.querySelectorAll<HTMLElement>('body *'))
          .filter((element) => element.getBoundingClientRect().right > limit + 1 && element.offsetParent !== null)
          .slice(0, 5)
          .map(
            (element) =>
              `${element.tagName.toLowerCase()}.${Array.from(element.classList).join('.')} (${Math.round(element.getBoundingClientRect().right)} px)`,
          );
      });
      expect(overflowing, `défilement horizontal : ${where}`).toEqual([]);

      // Nor content cut off or left to a sideways scroll inside the page (a wide table in its scrolling box). The local
      // FranceConnect and ProConnect (under /api/v2/) stand for services we do not make: their pages are not judged here.
      const ours = !new URL(page.url()).pathname.startsWith('/api/v2/');
      const cut = !ours
        ? []
        : await page.evaluate(() =>
            Array.from(document.querySelectorAll<HTMLElement>('main *'))
              .filter((element) => {
                const { overflowX } = getComputedStyle(element);
                return (overflowX === 'auto' || overflowX === 'scroll' || overflowX === 'hidden') && element.scrollWidth > element.clientWidth + 1;
              })
              // Shown only: not inside a closed <details>, nor a visually hidden text for screen readers (1 px wide).
              .filter((element) => element.checkVisibility() && element.clientWidth > 1)
              .slice(0, 5)
              .map(
                (element) =>
                  `${element.tagName.toLowerCase()}.${Array.from(element.classList).join('.')} (${element.scrollWidth} px dans ${element.clientWidth})`,
              ),
          );
      expect(cut, `contenu hors de l’écran : ${where}`).toEqual([]);
    }

    const title = (await page.title()).trim();
    expect(title, `titre : ${where}`).not.toBe('');
    const url = new URL(page.url());
    if (url.origin === this.portalOrigin) {
      // One page in two states (before and after a withdrawal) may keep its title; two different pages may not.
      const earlier = this.titles.get(title);
      expect(earlier === undefined || earlier === url.pathname, `titre « ${title} » déjà pris par ${earlier} : ${where}`).toBe(true);
      this.titles.set(title, url.pathname);
    }

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `${this.name}-${step}-${this.width}.png`), fullPage: true });
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/**
 * How Chromium draws a date input, read from its user-agent shadow tree, which page scripts cannot see: the
 * placeholders of its fields with their separators, "jj/mm/aaaa" in French, "mm/dd/yyyy" in American English.
 */
export async function dateInputFormat(page: Page, id: string): Promise<string> {
  interface DomNode {
    localName: string;
    nodeValue: string;
    attributes?: string[];
    children?: DomNode[];
    shadowRoots?: DomNode[];
  }
  const attribute = (node: DomNode, name: string) => {
    const index = node.attributes?.indexOf(name) ?? -1;
    return index >= 0 && index % 2 === 0 ? node.attributes?.[index + 1] : undefined;
  };
  const descendants = (node: DomNode): DomNode[] => [node, ...[...(node.shadowRoots ?? []), ...(node.children ?? [])].flatMap(descendants)];
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const input = descendants(root).find((node) => node.localName === 'input' && attribute(node, 'id') === id);
    if (input === undefined) throw new Error(`pas de champ #${id} sur ${page.url()}`);
    return descendants(input)
      .filter((node) => /^-webkit-datetime-edit-(day-field|month-field|year-field|text)$/.test(attribute(node, 'pseudo') ?? ''))
      .map((node) => node.children?.map((child) => child.nodeValue).join('') ?? '')
      .join('');
  } finally {
    await cdp.detach();
  }
}

/** Where the focus is after one press of Tab: enough to judge its visibility and its order without a screen. */
export interface FocusStop {
  text: string;
  /** Whether the element matches the CSS selector asked for. */
  matches: boolean;
  /** Whether a focus ring is drawn (outline on the element, one of its pseudo-elements or a close ancestor). */
  outline: boolean;
  region: Region;
  /** Rank in document order. */
  rank: number;
  /** Distance from the top of the page, in CSS pixels. */
  top: number;
}

/** The parts of a page, in the order they come on screen and in the document. */
const REGIONS = ['accès rapide', 'en-tête', 'contenu', 'pied de page', 'ailleurs'] as const;
type Region = (typeof REGIONS)[number];

/** Runs in the page (serialised by page.evaluate, so self-contained). */
function describeFocus(selector: string | undefined): FocusStop | undefined {
  const element = document.activeElement as HTMLElement | null;
  if (element === null || element === document.body) return undefined;
  const drawn = (style: CSSStyleDeclaration) => style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  // DSFR draws some focus rings on a pseudo-element or, for enlarged links, on an ancestor (:focus-within).
  const styles = [getComputedStyle(element), getComputedStyle(element, '::before'), getComputedStyle(element, '::after')];
  for (let ancestor = element.parentElement, depth = 0; ancestor !== null && depth < 4; ancestor = ancestor.parentElement, depth += 1) {
    styles.push(getComputedStyle(ancestor));
  }
  const region = element.closest('.fr-skiplinks')
    ? 'accès rapide'
    : element.closest('header')
      ? 'en-tête'
      : element.closest('main')
        ? 'contenu'
        : element.closest('footer')
          ? 'pied de page'
          : 'ailleurs';
  return {
    // biome-ignore lint/performance/useDomNodeTextContent: the text as a person sees it on screen, laid out, is what is checked
    text: (element.innerText || element.getAttribute('aria-label') || element.getAttribute('title') || element.id).trim().replace(/\s+/g, ' '),
    matches: selector !== undefined && element.matches(selector),
    outline: styles.some(drawn),
    region,
    rank: Array.prototype.indexOf.call(document.querySelectorAll('*'), element),
    top: element.getBoundingClientRect().top + window.scrollY,
  };
}

/**
 * Tabs until the element named `name` (or matching the CSS selector) has the focus, checking that every element met
 * on the way shows where the focus is.
 */
export async function tabTo(page: Page, name: RegExp | string): Promise<void> {
  await page.waitForLoadState('load');
  for (let presses = 0; presses < 60; presses += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(describeFocus, typeof name === 'string' ? name : undefined);
    if (focused === undefined) continue;
    expect(focused.outline, `focus invisible sur « ${focused.text} » (${page.url()})`).toBe(true);
    if (typeof name === 'string' ? focused.matches : name.test(focused.text)) return;
  }
  throw new Error(`« ${String(name)} » n’a jamais reçu le focus au clavier sur ${page.url()}`);
}

/**
 * Every stop of the Tab key on a freshly loaded page, from the top until the focus leaves the page or comes back to
 * where it started.
 */
export async function tabSequence(page: Page): Promise<FocusStop[]> {
  await page.waitForLoadState('load');
  const stops: FocusStop[] = [];
  for (let presses = 0; presses < 100; presses += 1) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(describeFocus, undefined);
    if (stop === undefined || stop.rank === stops[0]?.rank) break;
    stops.push(stop);
  }
  return stops;
}

/** Elements side by side may sit a few pixels apart vertically (buttons and links of different heights). */
const SAME_ROW_PX = 8;

/**
 * A logical Tab order: the skip links first, then the header, the content and the footer; document order throughout
 * (no positive tabindex); top to bottom inside the content (no CSS reordering); the page's primary action before the
 * footer; every stop visibly focused; the whole page travelled.
 */
export function expectLogicalTabOrder(stops: FocusStop[], primaryAction: RegExp, where: string): void {
  const problems: string[] = [];
  const [first, second] = stops;
  if (first?.text !== 'Contenu' || second?.text !== 'Pied de page' || first.region !== 'accès rapide' || second.region !== 'accès rapide') {
    problems.push('les liens d’évitement « Contenu » puis « Pied de page » ne viennent pas en premier');
  }
  stops.forEach((stop, index) => {
    if (!stop.outline) problems.push(`${index + 1}. focus invisible`);
    if (stop.region === 'ailleurs') problems.push(`${index + 1}. hors des repères header, main et footer`);
    const previous = stops[index - 1];
    if (previous === undefined) return;
    if (stop.rank <= previous.rank) problems.push(`${index + 1}. avant le précédent dans le document`);
    if (REGIONS.indexOf(stop.region) < REGIONS.indexOf(previous.region))
      problems.push(`${index + 1}. revient de « ${previous.region} » à « ${stop.region} »`);
    if (stop.region === 'contenu' && previous.region === 'contenu' && stop.top < previous.top - SAME_ROW_PX)
      problems.push(`${index + 1}. remonte dans le contenu`);
  });
  const primary = stops.findIndex((stop) => stop.region === 'contenu' && primaryAction.test(stop.text));
  const footer = stops.findIndex((stop) => stop.region === 'pied de page');
  if (primary < 0) problems.push(`l’action principale ${String(primaryAction)} n’est jamais atteinte`);
  if (footer < 0 || stops.at(-1)?.region !== 'pied de page') problems.push('le parcours au clavier ne va pas jusqu’au pied de page');
  if (primary >= 0 && footer >= 0 && footer < primary) problems.push('le pied de page vient avant l’action principale');
  const listing = stops.map((stop, index) => `${index + 1}. [${stop.region}] ${stop.text} (y = ${Math.round(stop.top)})`).join('\n');
  expect(problems, `ordre de tabulation : ${where}\n${listing}`).toEqual([]);
}

/**
 * The DSFR error pattern after a form comes back with errors (RGAA 11.10, 7.5): the title starts with "Erreur – ",
 * the error summary (role="alert") has the focus and one link per field, in the form's order, each saying what to
 * fix; each field is marked invalid and described by its own message in a live region; following a link of the
 * summary puts the focus on its field.
 */
export async function expectErrorsAnnounced(page: Page, expected: Array<[field: string, message: RegExp]>): Promise<void> {
  const where = page.url();
  const found = await page.evaluate(() => {
    const summary = document.querySelector<HTMLElement>('.fr-alert--error[role="alert"]');
    const texts = (ids: string | null) =>
      (ids ?? '')
        .split(/\s+/)
        .map((id) => document.getElementById(id))
        .filter((element): element is HTMLElement => element?.classList.contains('fr-messages-group') === true);
    return {
      title: document.title,
      focused: document.activeElement?.id ?? '',
      summary: summary?.id ?? '',
      links: Array.from(summary?.querySelectorAll('a') ?? []).map((link) => {
        const target = (link.getAttribute('href') ?? '').replace(/^#/, '');
        const control = document.getElementById(target);
        // A radio group is a fieldset labelled by its legend and its message (DSFR); the link leads to its first button.
        const field = control instanceof HTMLInputElement && control.type === 'radio' ? control.closest('fieldset') : control;
        const messages = field === null ? [] : [...texts(field.getAttribute('aria-describedby')), ...texts(field.getAttribute('aria-labelledby'))];
        return {
          field: field?.id ?? target,
          target,
          text: (link.textContent ?? '').trim(),
          invalid: field?.getAttribute('aria-invalid') === 'true' || field?.classList.contains('fr-fieldset--error') === true,
          message: messages.map((message) => (message.textContent ?? '').trim()).join(' '),
          live: messages.map((message) => message.getAttribute('aria-live')).join(' '),
        };
      }),
      invalid: Array.from(document.querySelectorAll('[aria-invalid="true"]')).map((element) => element.id),
      // Each link's control comes after the previous one's in the page: the summary follows the form's order.
      inFormOrder: Array.from(summary?.querySelectorAll('a') ?? [])
        .map((link) => document.getElementById((link.getAttribute('href') ?? '').replace(/^#/, '')))
        .every(
          (control, index, controls) =>
            index === 0 ||
            (control !== null && ((controls[index - 1]?.compareDocumentPosition(control) ?? 0) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0),
        ),
    };
  });
  expect(found.title, `titre : ${where}`).toMatch(/^Erreur – /);
  expect(found.summary, `résumé des erreurs (role="alert") avec un id : ${where}`).not.toBe('');
  expect(found.focused, `le focus est sur le résumé des erreurs : ${where}`).toBe(found.summary);
  expect(
    found.links.map((link) => link.field),
    `liens du résumé : ${where}`,
  ).toEqual(expected.map(([field]) => field));
  expect(found.inFormOrder, `le résumé suit l’ordre du formulaire : ${where}`).toBe(true);
  for (const [index, [field, message]] of expected.entries()) {
    const link = found.links[index];
    expect(link?.text, `message du lien vers #${field}`).toMatch(message);
    expect(link, `champ #${field} : invalide, décrit par le même message, dans une zone annoncée`).toEqual({
      field,
      target: link?.target,
      text: link?.text,
      invalid: true,
      message: link?.text,
      live: 'polite',
    });
  }
  expect(
    found.invalid.every((id) => expected.some(([field]) => field === id)),
    `champ invalide absent du résumé : ${found.invalid.join(', ')}`,
  ).toBe(true);

  // Each link puts the focus on its field's control, where the person types or chooses.
  for (const [index, link] of found.links.entries()) {
    await page.locator(`#${found.summary} a`).nth(index).click();
    const focused = await page.evaluate(() => ({ id: document.activeElement?.id, tag: document.activeElement?.tagName }));
    expect(focused, `le lien « ${link.text} » du résumé mène au champ : ${where}`).toEqual({
      id: link.target,
      tag: expect.stringMatching(/^(INPUT|SELECT|TEXTAREA)$/),
    });
  }
}
