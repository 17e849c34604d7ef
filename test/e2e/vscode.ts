// A real VS Code for the end-to-end tests: code-server 4.100.3 (VS Code 1.100.3's workbench and
// extension host) with the packaged .vsix installed, driven in Debian's Chromium by playwright-core
// (recipe: shared/docs/real-vscode.md; `bash scripts/setup-e2e.sh` installs both). Every wait is on
// something the UI or the server does, with a timeout; never a fixed sleep.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const REPO = path.resolve(__dirname, '../..');
export const RESULTS = path.join(REPO, 'test-results');
const E2E_DIR = process.env.DB_AUDIT_E2E_DIR ?? path.join(homedir(), '.cache', 'db-audit-e2e');
const CODE_SERVER = path.join(E2E_DIR, 'code-server', 'node_modules', '.bin', 'code-server');
const CHROMIUM = process.env.DB_AUDIT_E2E_CHROMIUM ?? '/usr/bin/chromium';
/** The longest any one UI event may take (a loaded CI machine is slow); waits end as soon as the event happens. */
export const UI_TIMEOUT = 90_000;
const manifest = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { name: string; version: string; publisher: string };
/** What `npm run package` writes. */
export const VSIX = path.join(REPO, `${manifest.name}-${manifest.version}.vsix`);
export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;

/** A temp copy of a fixture workspace: the tests never touch test/fixtures. */
export function copyFixture(name = 'zoe-like'): string {
  const dir = mkdtempSync(path.join(tmpdir(), `dbaudit-e2e-${name}-`));
  cpSync(path.join(REPO, 'test', 'fixtures', name), dir, { recursive: true });
  return dir;
}

/** Installs the .vsix into a fresh extensions folder, as a user would. */
export function installVsix(): string {
  if (!existsSync(CODE_SERVER)) throw new Error(`code-server is not installed at ${CODE_SERVER}: run bash scripts/setup-e2e.sh`);
  if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run npm run package`);
  const dir = mkdtempSync(path.join(tmpdir(), 'dbaudit-e2e-ext-'));
  const r = spawnSync(CODE_SERVER, ['--extensions-dir', dir, '--install-extension', VSIX], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout)) throw new Error(`installing ${VSIX} failed: ${r.stdout}\n${r.stderr}`);
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface SessionOptions {
  workspace: string;
  extensionsDir: string;
  /** False: Workspace Trust is on and the workspace is left in Restricted Mode. */
  trusted: boolean;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server (and so the extension host and the language server). */
  env?: Record<string, string>;
}

/** One code-server with one browser page on the workspace. */
export class Session {
  readonly log: string[] = [];
  private constructor(
    readonly page: Page,
    private readonly browser: Browser,
    private readonly server: ChildProcess,
    readonly userDataDir: string,
  ) {}

  static async open(o: SessionOptions): Promise<Session> {
    const userDataDir = mkdtempSync(path.join(tmpdir(), 'dbaudit-e2e-user-'));
    mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    const settings = {
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'extensions.ignoreRecommendations': true,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.banner': 'always',
      'git.enabled': false,
      'files.autoSave': 'off',
      ...o.settings,
    };
    writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
    const port = await freePort();
    const args = ['--config', path.join(userDataDir, 'config.yaml'), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--extensions-dir', o.extensionsDir, '--user-data-dir', userDataDir,
      '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', ...(o.trusted ? ['--disable-workspace-trust'] : []), o.workspace];
    // Its own process group, so closing ends its extension host and language server too.
    const server = spawn(CODE_SERVER, args, { env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const log: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not start in 60 s:\n${log.join('')}`)), 60_000);
      const onData = (d: Buffer) => {
        log.push(d.toString());
        if (/HTTP server listening on/.test(d.toString())) {
          clearTimeout(timer);
          resolve();
        }
      };
      server.stdout!.on('data', onData);
      server.stderr!.on('data', onData);
      server.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`code-server exited (${code}):\n${log.join('')}`));
      });
    });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const session = new Session(page, browser, server, userDataDir);
    session.log.push(...log);
    server.stdout!.on('data', (d: Buffer) => session.log.push(d.toString()));
    server.stderr!.on('data', (d: Buffer) => session.log.push(d.toString()));
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(o.workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: UI_TIMEOUT });
    await page.locator('.explorer-folders-view').waitFor({ timeout: UI_TIMEOUT });
    return session;
  }

  /** Runs a scenario; when it fails, keeps a screenshot and code-server's log in test-results/ for the report. */
  async scenario(name: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (e) {
      await this.screenshot(`${name}-FAILED`).catch(() => undefined);
      mkdirSync(RESULTS, { recursive: true });
      writeFileSync(path.join(RESULTS, `e2e-${name}-FAILED.log`), `${e instanceof Error ? e.stack : String(e)}\n\n${this.log.join('')}`);
      throw e;
    }
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(RESULTS, { recursive: true });
    const file = path.join(RESULTS, `e2e-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * Opens the quick input with `keys` and types `text` into it. An editor that takes focus as it
   * opens closes a quick input shown at that moment, so an input that closes under us is reopened.
   */
  private async quickInput(keys: string, text: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    for (let attempt = 1; ; attempt++) {
      if (await widget.isVisible()) await this.page.keyboard.press('Escape');
      await widget.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
      await this.page.keyboard.press(keys);
      await widget.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      try {
        await widget.locator('input').fill(text, { timeout: 5_000 });
        return;
      } catch (e) {
        if (attempt === 3 || (await widget.isVisible())) throw e;
      }
    }
  }

  /** Runs a command from the command palette by its title. */
  async runCommand(title: string): Promise<void> {
    await this.quickInput('Control+Shift+P', `>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: UI_TIMEOUT });
    await this.page.keyboard.press('Enter');
  }

  /** Opens a workspace file through Quick Open (works for files in collapsed folders too); returns once its editor has focus. */
  async openFile(relative: string): Promise<void> {
    await this.quickInput('Control+P', relative);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relative) }).first().waitFor({ timeout: UI_TIMEOUT });
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tabs-container .tab.active[aria-label*="${path.basename(relative)}"]`).waitFor({ timeout: UI_TIMEOUT });
    await this.page.locator('.editor-group-container.active .monaco-editor.focused').waitFor({ timeout: UI_TIMEOUT });
  }

  /** The Problems panel, opened. */
  async problems(): Promise<Locator> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) await this.page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ timeout: UI_TIMEOUT });
    return panel;
  }

  /**
   * Filters the Problems panel to `text`, typing it again while the filter does not hold it: a
   * filter typed while the first diagnostics arrive was seen dropped (the panel listed every file).
   */
  async filterProblems(text: string): Promise<void> {
    const input = this.page.locator('.markers-panel-action-filter input, .viewpane-filter input').first();
    await this.until(`the Problems filter to hold '${text}'`, async () => {
      if ((await input.inputValue()) !== text) await input.fill(text);
      return input.inputValue();
    }, (value) => value === text);
  }

  /** The total on the Problems tab's badge (0 when it shows none). */
  async problemCount(): Promise<number> {
    const badge = this.page.locator('.part.panel .composite-bar .action-item:has(.action-label[aria-label^="Problems"]) .badge-content');
    if ((await badge.count()) === 0 || !(await badge.isVisible())) return 0;
    return Number((await badge.innerText()).trim());
  }

  /** Resolves with `probe()`'s value once it satisfies `ok`, polling the page; throws with the last value after `timeoutMs`. */
  async until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = UI_TIMEOUT): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: T | undefined;
    for (;;) {
      last = await probe();
      if (ok(last)) return last;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
      // Yields to the page between probes (an animation frame), not a fixed sleep standing in for an event.
      await this.page.waitForFunction('new Promise((resolve) => requestAnimationFrame(() => resolve(true)))', undefined, { timeout: 5_000 });
    }
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    const group = this.server.pid!;
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-group, sig);
      } catch {
        /* already gone */
      }
    };
    if (this.server.exitCode === null && this.server.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.server.once('exit', () => resolve()));
      signal('SIGTERM');
      await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref())]);
    }
    signal('SIGKILL'); // whatever of the group outlived code-server
    // Retries cover a child that was still writing its state as it died.
    rmSync(this.userDataDir, { recursive: true, force: true, maxRetries: 5 });
  }
}
