import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** A port free now, for a process that opens its own (npm start listens on the ports its environment names). */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('pas de port'))));
    });
  });

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
// oidc-provider 9 says so on Node 20, which reached its end of life: the one warning a supported Node never prints.
const NODE_20_RUNTIME_WARNING = /oidc-provider WARNING: Unsupported runtime/;

const directory = mkdtempSync(join(tmpdir(), 'passerelle-start-'));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(directory, { recursive: true, force: true });
});

describe('npm start, as a newcomer runs it', () => {
  it(`serves the portal and its local upstreams on Node ${process.versions.node}, without a warning on a supported Node`, async () => {
    let stderr = '';
    let stdout = '';
    let exited: Promise<number | null> = Promise.resolve(null);
    const start = async () => {
      const [portal, franceconnect, proconnect, sandbox, demo, mailSmtp, mailWeb] = await Promise.all([
        freePort(),
        freePort(),
        freePort(),
        freePort(),
        freePort(),
        freePort(),
        freePort(),
      ]);
      stderr = '';
      stdout = '';
      child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: join(import.meta.dirname, '..'),
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          HOST: '127.0.0.1',
          PORT: String(portal),
          FC_ISSUER: `http://localhost:${franceconnect}/api/v2`,
          PC_ISSUER: `http://localhost:${proconnect}/api/v2`,
          SANDBOX_PORT: String(sandbox),
          DEMO_SP_URL: `http://localhost:${demo}`,
          MAIL_CATCHER_SMTP_PORT: String(mailSmtp),
          MAIL_CATCHER_WEB_PORT: String(mailWeb),
          DATABASE_URL: `file:${join(directory, 'passerelle.sqlite')}`,
          JOURNAL_ANCHOR_FILE: join(directory, 'journal-anchors.jsonl'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
      });
      const running = child;
      exited = new Promise<number | null>((resolve) => running.once('exit', resolve));
      const ready = async (url: string) => {
        for (let attempt = 0; attempt < 150; attempt += 1) {
          const answer = await fetch(url).catch(() => undefined);
          if (answer?.ok) return answer.status;
          if (running.exitCode !== null) throw new Error(`npm start s’est arrêté :\n${stderr}${stdout}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error(`${url} ne répond pas :\n${stderr}${stdout}`);
      };
      expect(await ready(`http://127.0.0.1:${portal}/readyz`)).toBe(200);
      expect(await ready(`http://localhost:${franceconnect}/api/v2/.well-known/openid-configuration`)).toBe(200);
      expect(await ready(`http://localhost:${demo}/`)).toBe(200);
      expect(await ready(`http://127.0.0.1:${mailWeb}/messages.json`)).toBe(200);
    };
    // A port found free may be taken by a parallel test before the child opens it: then again, on other ports.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await start();
        break;
      } catch (error) {
        if (attempt === 3 || !stderr.includes('EADDRINUSE')) throw error;
      }
    }
    if (child === undefined) throw new Error('npm start non lancé');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const warnings = stderr.split('\n').filter((line) => /warn/i.test(line) && !(NODE_MAJOR === 20 && NODE_20_RUNTIME_WARNING.test(line)));
    expect(warnings).toEqual([]);
    expect(stdout).toContain('portail démarré');
  }, 60_000);
});
