// A tiny Chrome DevTools Protocol client for the viewer's browser tests, in plain Node 20 (no npm
// packages). It launches Debian's chromium headless with --remote-debugging-pipe: fd 3 carries
// our commands to the browser, fd 4 its answers and events, each JSON message ended by a NUL byte.
//
//   import { launch, track, fail } from './cdp.mjs';
//   const browser = await launch();            // throws SkipError when there is no chromium
//   const page = await browser.newPage(url);
//   await page.waitFor('document.body.dataset.ready === "1"', 20000);
//   await page.click('th[data-column="metrics.acc"]');
//   await browser.close();
//
// Whatever happens (an exception, a failed assertion, a hung browser, SIGTERM from CTest) the
// browser and every process registered with track() are killed by their ids, and the profile
// folder is removed: process 'exit' handlers plus a hard overall timeout (setHardTimeout).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SKIP = 77;

export class SkipError extends Error {}
export class TimeoutError extends Error {}

// ---------------------------------------------------------------------------------------------
// Clean-up: everything we start is registered here and killed on any kind of exit.

const cleanups = new Set();
let cleaningUp = false;

function runCleanups() {
    if (cleaningUp) return;
    cleaningUp = true;
    for (const fn of [...cleanups].reverse()) {
        try {
            fn();
        } catch {
            /* best effort */
        }
    }
    cleanups.clear();
}

/** Registers a synchronous clean-up function; returns a function that unregisters it. */
export function onCleanup(fn) {
    cleanups.add(fn);
    return () => cleanups.delete(fn);
}

/** Kills a child process (its whole process group when it was spawned detached). */
export function killChild(child, signal = 'SIGKILL') {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    try {
        if (child.__group) process.kill(-child.pid, signal);
        else child.kill(signal);
    } catch {
        try {
            child.kill(signal);
        } catch {
            /* already gone */
        }
    }
}

/** Registers a spawned child so that it is killed (SIGKILL, by pid/pgid) when the test ends. */
export function track(child, { group = false } = {}) {
    child.__group = group;
    const off = onCleanup(() => killChild(child, 'SIGKILL'));
    child.once('exit', () => off());
    return child;
}

process.on('exit', runCleanups);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
        process.stderr.write(`viewer test: got ${sig}, cleaning up\n`);
        runCleanups();
        process.exit(1);
    });
}
process.on('uncaughtException', (e) => {
    if (e instanceof SkipError) {
        process.stdout.write(`SKIP: ${e.message}\n`);
        runCleanups();
        process.exit(SKIP);
    }
    process.stderr.write(`FAIL (uncaught): ${e && e.stack ? e.stack : e}\n`);
    runCleanups();
    process.exit(1);
});
process.on('unhandledRejection', (e) => {
    process.stderr.write(`FAIL (unhandled rejection): ${e && e.stack ? e.stack : e}\n`);
    runCleanups();
    process.exit(1);
});

/** After ms the whole test fails (exit 1), killing the browser and the servers. */
export function setHardTimeout(ms, what = 'test') {
    const t = setTimeout(() => {
        process.stderr.write(`FAIL: ${what} did not finish within ${ms / 1000} s (hard timeout)\n`);
        runCleanups();
        process.exit(1);
    }, ms);
    t.unref();
    return t;
}

/** Rejects with a TimeoutError when `promise` does not settle within ms. */
export function withTimeout(promise, ms, what) {
    let timer;
    return Promise.race([
        promise,
        new Promise((_, reject) => {
            timer = setTimeout(() => reject(new TimeoutError(`${what}: no answer within ${ms} ms`)), ms);
        }),
    ]).finally(() => clearTimeout(timer));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// The browser.

const DEFAULT_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium() {
    if (process.env.LAZYSCRIBE_CHROMIUM) return existsSync(process.env.LAZYSCRIBE_CHROMIUM) ? process.env.LAZYSCRIBE_CHROMIUM : null;
    return DEFAULT_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

class Browser {
    constructor(child, profile, { commandTimeoutMs }) {
        this.child = child;
        this.profile = profile;
        this.commandTimeoutMs = commandTimeoutMs;
        this.nextId = 1;
        this.pending = new Map(); // id -> {resolve, reject, method}
        this.listeners = new Set(); // (msg) => void, every event
        this.closed = false;
        this.exitInfo = null;
        this.stderrTail = '';
        this.pages = [];

        let buffer = Buffer.alloc(0);
        child.stdio[4].on('data', (chunk) => {
            buffer = Buffer.concat([buffer, chunk]);
            let nul;
            while ((nul = buffer.indexOf(0)) >= 0) {
                const text = buffer.subarray(0, nul).toString('utf8');
                buffer = buffer.subarray(nul + 1);
                let msg;
                try {
                    msg = JSON.parse(text);
                } catch {
                    continue;
                }
                this.dispatch(msg);
            }
        });
        child.stdio[4].on('error', () => {});
        child.stdio[3].on('error', () => {});
        child.stderr.on('data', (d) => {
            this.stderrTail = (this.stderrTail + d.toString()).slice(-4000);
        });
        child.once('exit', (code, signal) => {
            this.exitInfo = { code, signal };
            const err = new Error(`chromium exited (code ${code}, signal ${signal}) ${this.closed ? '' : '\n' + this.stderrTail}`);
            for (const { reject } of this.pending.values()) reject(err);
            this.pending.clear();
        });
    }

    dispatch(msg) {
        if (msg.id !== undefined) {
            const p = this.pending.get(msg.id);
            if (!p) return;
            this.pending.delete(msg.id);
            if (msg.error) p.reject(new Error(`CDP ${p.method}: ${msg.error.message}${msg.error.data ? ' (' + msg.error.data + ')' : ''}`));
            else p.resolve(msg.result);
            return;
        }
        for (const l of [...this.listeners]) l(msg);
    }

    /** Sends one command; sessionId addresses a page (flatten mode). */
    send(method, params = {}, sessionId = undefined, timeoutMs = this.commandTimeoutMs) {
        if (this.exitInfo) return Promise.reject(new Error(`chromium is gone (code ${this.exitInfo.code}, signal ${this.exitInfo.signal}); cannot send ${method}`));
        const id = this.nextId++;
        const msg = { id, method, params };
        if (sessionId) msg.sessionId = sessionId;
        const p = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject, method }));
        this.child.stdio[3].write(JSON.stringify(msg) + '\0');
        return withTimeout(p, timeoutMs, `CDP ${method}`).catch((e) => {
            this.pending.delete(id);
            throw e;
        });
    }

    /** Resolves with the first event `method` (of `sessionId` if given) matching `pred`. */
    waitEvent(method, { sessionId, pred = () => true, timeoutMs = 30000 } = {}) {
        let off;
        const p = new Promise((resolve) => {
            const l = (msg) => {
                if (msg.method !== method) return;
                if (sessionId && msg.sessionId !== sessionId) return;
                if (!pred(msg.params)) return;
                resolve(msg.params);
            };
            this.listeners.add(l);
            off = () => this.listeners.delete(l);
        });
        return withTimeout(p, timeoutMs, `waiting for ${method}`).finally(() => off());
    }

    /** Opens a new tab at about:blank, attaches to it, then navigates to url (if given). */
    async newPage(url = null, { width = 1280, height = 900, beforeLoad = null } = {}) {
        const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
        const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
        const page = new Page(this, targetId, sessionId);
        this.pages.push(page);
        await page.send('Page.enable');
        await page.send('Runtime.enable');
        await page.send('Performance.enable', { timeDomain: 'timeTicks' }).catch(() => page.send('Performance.enable'));
        await page.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
        if (beforeLoad) await page.send('Page.addScriptToEvaluateOnNewDocument', { source: beforeLoad });
        if (url) await page.goto(url);
        return page;
    }

    /** Kills the browser (its process group) and removes the profile. Idempotent, never throws. */
    close() {
        if (this.closed) return;
        this.closed = true;
        try {
            if (!this.exitInfo) this.child.stdio[3].write(JSON.stringify({ id: this.nextId++, method: 'Browser.close', params: {} }) + '\0');
        } catch {
            /* ignore */
        }
        killChild(this.child, 'SIGKILL');
        try {
            rmSync(this.profile, { recursive: true, force: true, maxRetries: 3 });
        } catch {
            /* ignore */
        }
        this.offCleanup?.();
    }
}

class Page {
    constructor(browser, targetId, sessionId) {
        this.browser = browser;
        this.targetId = targetId;
        this.sessionId = sessionId;
        this.consoleMessages = [];
        this.exceptions = [];
        browser.listeners.add((msg) => {
            if (msg.sessionId !== sessionId) return;
            if (msg.method === 'Runtime.consoleAPICalled') {
                const text = msg.params.args.map((a) => (a.value !== undefined ? String(a.value) : a.description ?? a.type)).join(' ');
                this.consoleMessages.push(`${msg.params.type}: ${text}`);
            } else if (msg.method === 'Runtime.exceptionThrown') {
                this.exceptions.push(describeException(msg.params.exceptionDetails));
            }
        });
    }

    send(method, params = {}, timeoutMs) {
        return this.browser.send(method, params, this.sessionId, timeoutMs);
    }

    /** Navigates and waits for the load event. */
    async goto(url, timeoutMs = 30000) {
        const loaded = this.browser.waitEvent('Page.loadEventFired', { sessionId: this.sessionId, timeoutMs });
        const r = await this.send('Page.navigate', { url });
        if (r.errorText) throw new Error(`navigation to ${url} failed: ${r.errorText}`);
        await loaded;
    }

    /**
     * Evaluates a JavaScript expression in the page (promises are awaited) and returns its value
     * (JSON-serialisable values only). A thrown exception becomes an Error with the page's
     * message and stack.
     */
    async evaluate(expression, { timeoutMs = 30000 } = {}) {
        if (typeof expression === 'function') expression = `(${expression.toString()})()`;
        const r = await this.send(
            'Runtime.evaluate',
            { expression, awaitPromise: true, returnByValue: true, userGesture: true, timeout: timeoutMs },
            timeoutMs + 5000,
        );
        if (r.exceptionDetails) {
            const e = new Error(`page exception in ${abbreviate(expression)}: ${describeException(r.exceptionDetails)}`);
            e.pageException = r.exceptionDetails;
            throw e;
        }
        return r.result.value;
    }

    /** Polls `expression` until it is truthy; returns its value. TimeoutError with the last value/error. */
    async waitFor(expression, timeoutMs = 20000, { intervalMs = 100, what = null } = {}) {
        const deadline = Date.now() + timeoutMs;
        let last;
        let lastError = null;
        for (;;) {
            try {
                last = await this.evaluate(expression, { timeoutMs: Math.max(1000, Math.min(10000, deadline - Date.now() + 1000)) });
                lastError = null;
                if (last) return last;
            } catch (e) {
                if (e instanceof TimeoutError || this.browser.exitInfo) throw e;
                lastError = e;
            }
            if (Date.now() >= deadline) {
                const detail = lastError ? `last error: ${lastError.message}` : `last value: ${JSON.stringify(last)}`;
                const pageErrors = this.exceptions.length ? `; page exceptions: ${this.exceptions.slice(-3).join(' | ')}` : '';
                throw new TimeoutError(`timed out after ${timeoutMs} ms waiting for ${what ?? abbreviate(expression)} (${detail})${pageErrors}`);
            }
            await sleep(intervalMs);
        }
    }

    /** The centre of the first element matching selector, scrolled into view; throws if none/invisible. */
    async center(selector) {
        const box = await this.evaluate(`(() => {
            const el = document.querySelector(${JSON.stringify(selector)});
            if (!el) return {missing: true};
            el.scrollIntoView({block: 'center', inline: 'center'});
            const r = el.getBoundingClientRect();
            const x = r.left + r.width / 2, y = r.top + r.height / 2;
            const hit = document.elementFromPoint(x, y);
            return {x, y, w: r.width, h: r.height, covered: !!hit && hit !== el && !el.contains(hit) && !hit.contains(el),
                    hit: hit ? hit.tagName + (hit.id ? '#' + hit.id : '') + (hit.className && typeof hit.className === 'string' ? '.' + hit.className.split(' ').join('.') : '') : null};
        })()`);
        if (box.missing) throw new Error(`click: no element matches ${selector}`);
        if (box.w === 0 || box.h === 0) throw new Error(`click: ${selector} is not visible (size ${box.w}x${box.h})`);
        if (box.covered) throw new Error(`click: ${selector} is covered by ${box.hit} at its centre`);
        return box;
    }

    /** A real mouse click (pressed + released) at the centre of the element. */
    async click(selector, { clickCount = 1 } = {}) {
        const { x, y } = await this.center(selector);
        await this.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y });
        await this.send('Input.dispatchMouseEvent', { type: 'mousePressed', x, y, button: 'left', buttons: 1, clickCount });
        await this.send('Input.dispatchMouseEvent', { type: 'mouseReleased', x, y, button: 'left', buttons: 0, clickCount });
    }

    /** Focuses the input, clears it, types text (Input.insertText: fires input events); press Enter if asked. */
    async type(selector, text, { clear = true, enter = false } = {}) {
        const ok = await this.evaluate(`(() => {
            const el = document.querySelector(${JSON.stringify(selector)});
            if (!el) return false;
            el.focus();
            if (${clear}) { el.value = ''; el.dispatchEvent(new Event('input', {bubbles: true})); }
            return true;
        })()`);
        if (!ok) throw new Error(`type: no element matches ${selector}`);
        if (text.length) await this.send('Input.insertText', { text });
        if (enter) await this.press('Enter');
    }

    /** Presses a key (Enter, Escape, Tab, ArrowDown, ...) in the focused element. */
    async press(key) {
        const codes = { Enter: 13, Escape: 27, Tab: 9, ArrowDown: 40, ArrowUp: 38, Backspace: 8 };
        const vk = codes[key] ?? 0;
        const base = { key, code: key, windowsVirtualKeyCode: vk, nativeVirtualKeyCode: vk };
        await this.send('Input.dispatchKeyEvent', { type: 'keyDown', ...base, ...(key === 'Enter' ? { text: '\r', unmodifiedText: '\r' } : {}) });
        await this.send('Input.dispatchKeyEvent', { type: 'keyUp', ...base });
    }

    /** Sets a <select>'s value (fires input + change). */
    async select(selector, value) {
        const r = await this.evaluate(`(() => {
            const el = document.querySelector(${JSON.stringify(selector)});
            if (!el) return 'missing';
            if (![...el.options].some(o => o.value === ${JSON.stringify(value)})) return 'no option ' + ${JSON.stringify(value)} + ' (options: ' + [...el.options].map(o => o.value).join(', ') + ')';
            el.value = ${JSON.stringify(value)};
            el.dispatchEvent(new Event('input', {bubbles: true}));
            el.dispatchEvent(new Event('change', {bubbles: true}));
            return 'ok';
        })()`);
        if (r !== 'ok') throw new Error(`select ${selector}: ${r}`);
    }

    /** Writes a PNG of the viewport (or the full page) to path; returns the bytes. */
    async screenshot(path, { fullPage = false } = {}) {
        const params = { format: 'png', captureBeyondViewport: fullPage };
        if (fullPage) {
            const { cssContentSize } = await this.send('Page.getLayoutMetrics');
            params.clip = { x: 0, y: 0, width: Math.ceil(cssContentSize.width), height: Math.ceil(cssContentSize.height), scale: 1 };
        }
        const { data } = await this.send('Page.captureScreenshot', params, 60000);
        const bytes = Buffer.from(data, 'base64');
        if (path) writeFileSync(path, bytes);
        return bytes;
    }

    /** Performance.getMetrics as an object {JSHeapUsedSize: ..., Nodes: ..., ...}. */
    async metrics() {
        const { metrics } = await this.send('Performance.getMetrics');
        return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
    }

    /** JS heap use in bytes (after a garbage collection when collect is set). */
    async memory({ collect = true } = {}) {
        if (collect) await this.send('HeapProfiler.collectGarbage').catch(() => {});
        const m = await this.metrics();
        return { usedJSHeap: m.JSHeapUsedSize, totalJSHeap: m.JSHeapTotalSize, nodes: m.Nodes };
    }

    async close() {
        await this.browser.send('Target.closeTarget', { targetId: this.targetId }).catch(() => {});
    }
}

function describeException(d) {
    if (!d) return 'unknown exception';
    const ex = d.exception;
    let text = ex ? (ex.description ?? (ex.value !== undefined ? String(ex.value) : d.text)) : d.text;
    if (d.lineNumber !== undefined && !(ex && ex.description && ex.description.includes('\n    at '))) text += ` (line ${d.lineNumber + 1}, column ${d.columnNumber + 1}${d.url ? ' of ' + d.url : ''})`;
    return text;
}

function abbreviate(s) {
    s = String(s).replace(/\s+/g, ' ').trim();
    return s.length > 120 ? s.slice(0, 117) + '...' : s;
}

/**
 * Launches headless chromium with a fresh profile. Throws SkipError when no chromium exists or it
 * cannot start (no usable sandbox-less headless mode, ...).
 */
export async function launch({ executable = findChromium(), startTimeoutMs = 30000, commandTimeoutMs = 30000, extraArgs = [], profileParent = tmpdir() } = {}) {
    if (!executable) throw new SkipError('no chromium found (/usr/bin/chromium; set LAZYSCRIBE_CHROMIUM to another browser)');
    // Under the test's work folder by default, so that even a SIGKILLed test leaves nothing in /tmp
    // (chromium itself exits when its pipe closes).
    const profile = mkdtempSync(join(profileParent, 'chromium-profile-'));
    const args = [
        '--headless',
        '--remote-debugging-pipe',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--no-default-browser-check',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-default-apps',
        '--disable-extensions',
        '--disable-sync',
        '--disable-dev-shm-usage',
        '--disable-features=Translate,MediaRouter,OptimizationHints',
        '--mute-audio',
        '--hide-scrollbars',
        '--window-size=1280,900',
        `--user-data-dir=${profile}`,
        ...extraArgs,
        'about:blank',
    ];
    const child = spawn(executable, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true });
    track(child, { group: true });
    const browser = new Browser(child, profile, { commandTimeoutMs });
    browser.offCleanup = onCleanup(() => browser.close());
    const spawnError = new Promise((_, reject) => child.once('error', (e) => reject(new SkipError(`cannot start ${executable}: ${e.message}`))));
    try {
        const version = await withTimeout(Promise.race([browser.send('Browser.getVersion', {}, undefined, startTimeoutMs), spawnError]), startTimeoutMs, 'chromium start');
        browser.version = version.product;
    } catch (e) {
        const tail = browser.stderrTail;
        browser.close();
        if (e instanceof SkipError) throw e;
        throw new SkipError(`chromium did not start: ${e.message}${tail ? '\n' + tail : ''}`);
    }
    return browser;
}
