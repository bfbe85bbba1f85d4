/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs';
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
  });
}

export const WIDTHS = [1280, 320] as const;
const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

/**
 * One journey at one width. Every page it reaches goes through `check`: zero axe violations (WCAG 2.1 A and AA), no
 * horizontal scrolling, a screenshot under test-results/. Portal page titles must differ from step to step. Console
 * errors and failed requests are collected so a journey can assert there were none.
 */
export class Journey {
  readonly problems: string[] = [];
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
    });
    page.on('response', (response) => {
      if (response.status() >= 400) this.problems.push(`${response.status()} ${response.url()}`);
    });
  }

  static async open(browser: Browser, name: string, width: number, portalOrigin: string, javaScriptEnabled = true): Promise<Journey> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled, locale: 'fr-FR' });
    context.setDefaultTimeout(10_000);
    return new Journey(name, width, context, await context.newPage(), portalOrigin, javaScriptEnabled);
  }

  async check(step: string): Promise<void> {
    const { page } = this;
    await page.waitForLoadState('load');
    const where = `${this.name}, ${step}, ${this.width} px (${page.url()})`;

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
          .map((element) => `${element.tagName.toLowerCase()}.${Array.from(element.classList).join('.')} (${Math.round(element.getBoundingClientRect().right)} px)`);
      });
      expect(overflowing, `défilement horizontal : ${where}`).toEqual([]);
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
