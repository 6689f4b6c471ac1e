// Real-browser tests of `lazyscribe serve` and its page (docs: the viewer spec; the DOM contract).
//
//   node tests/viewer/viewer_test.mjs CASE --cli PATH/lazyscribe --writer PATH/lazyscribe_viewer_live_writer
//        --work DIR --fixtures tests/data/fixtures
//
// CASE: table | live | compare_plots | scroll | refuse. Exit 0 pass, 1 fail (with the reason on
// stderr), 77 skip (no chromium, too old a node). The server, the writer and the browser are
// killed by their pids whatever happens (cdp.mjs's exit handlers, and a hard timeout).
// Benchmark figures are printed as `metric: NAME VALUE UNIT` lines.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const SKIP = 77;

const major = Number(process.versions.node.split('.')[0]);
if (major < 18) {
    console.log(`SKIP: node ${process.versions.node} is too old (18 or newer needed)`);
    process.exit(SKIP);
}

const { launch, track, killChild, setHardTimeout, SkipError, sleep, withTimeout } = await import('./cdp.mjs');

// ---------------------------------------------------------------------------------------------
// Arguments, assertions, logging.

function parseArgs(argv) {
    const opts = { case: null, cli: null, writer: null, work: null, fixtures: null };
    for (let i = 0; i < argv.length; ++i) {
        let a = argv[i];
        const eq = a.startsWith('--') ? a.indexOf('=') : -1;
        if (eq > 0) {
            argv = [...argv.slice(0, i), a.slice(0, eq), a.slice(eq + 1), ...argv.slice(i + 1)];
            a = argv[i];
        }
        const next = () => {
            if (i + 1 >= argv.length) usage(`${a} needs a value`);
            return argv[++i];
        };
        if (a === '--cli') opts.cli = resolve(next());
        else if (a === '--writer') opts.writer = next() || null;
        else if (a === '--work') opts.work = resolve(next());
        else if (a === '--fixtures') opts.fixtures = resolve(next());
        else if (a.startsWith('--')) usage(`unknown option ${a}`);
        else if (!opts.case) opts.case = a;
        else usage(`unexpected argument ${a}`);
    }
    return opts;
}

function usage(msg) {
    process.stderr.write(`viewer_test: ${msg}\nusage: node viewer_test.mjs CASE --cli LAZYSCRIBE --writer LIVE_WRITER --work DIR --fixtures DIR\n`);
    process.exit(2);
}

class Failure extends Error {}

function fail(msg) {
    throw new Failure(msg);
}

function check(cond, msg) {
    if (!cond) fail(typeof msg === 'function' ? msg() : msg);
}

const t0 = Date.now();
function log(msg) {
    process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);
}

function metric(name, value, unit) {
    process.stdout.write(`metric: ${name} ${typeof value === 'number' ? Math.round(value * 100) / 100 : value} ${unit}\n`);
}

function sameSet(a, b) {
    const sa = new Set(a);
    const sb = new Set(b);
    return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

function setDiff(a, b) {
    const sb = new Set(b);
    return [...new Set(a)].filter((x) => !sb.has(x));
}

/** Where two orders first differ, with some context. */
function orderDiff(got, want) {
    let i = 0;
    while (i < got.length && i < want.length && got[i] === want[i]) ++i;
    return `${got.length} vs ${want.length} runs, first difference at position ${i}: page ${got.slice(i, i + 5).join(', ') || '(end)'}; expected ${want.slice(i, i + 5).join(', ') || '(end)'}`;
}

function describeDiff(pageList, cliList, pageName = 'page', cliName = 'CLI') {
    const onlyPage = setDiff(pageList, cliList);
    const onlyCli = setDiff(cliList, pageList);
    return `${pageName} has ${pageList.length}, ${cliName} has ${cliList.length}` +
        (onlyPage.length ? `; only in ${pageName}: ${onlyPage.slice(0, 8).join(', ')}${onlyPage.length > 8 ? ', ...' : ''}` : '') +
        (onlyCli.length ? `; only in ${cliName}: ${onlyCli.slice(0, 8).join(', ')}${onlyCli.length > 8 ? ', ...' : ''}` : '');
}

// ---------------------------------------------------------------------------------------------
// Processes: the CLI, the server, the writer.

function runCli(opts, args, { allowFail = false } = {}) {
    const r = spawnSync(opts.cli, args, { encoding: 'utf8', timeout: 120000, maxBuffer: 512 * 1024 * 1024 });
    if (r.error) fail(`lazyscribe ${args.join(' ')}: ${r.error.message}`);
    if (r.status !== 0 && !allowFail) fail(`lazyscribe ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
    return r;
}

function cliJson(opts, args) {
    const r = runCli(opts, [...args, '--json']);
    try {
        return JSON.parse(r.stdout);
    } catch (e) {
        fail(`lazyscribe ${args.join(' ')} --json printed no JSON (${e.message}): ${r.stdout.slice(0, 200)}`);
    }
}

/** The slugs `lazyscribe list PROJECT --where Q --json` selects, or {error} when it refuses Q. */
function cliWhere(opts, project, query) {
    const r = runCli(opts, ['list', project, '--where', query, '--json'], { allowFail: true });
    if (r.status !== 0) {
        if (/--where/.test(r.stderr) && /not expected|unrecognized option/i.test(r.stderr)) fail(`lazyscribe list has no --where option: ${r.stderr.trim()}`);
        return { error: r.stderr.trim(), status: r.status };
    }
    return { slugs: JSON.parse(r.stdout).map((e) => e.slug) };
}

/**
 * Starts `lazyscribe serve PROJECTS --port 0` and waits for its one line
 * "lazyscribe: serving N experiments of K projects at http://127.0.0.1:PORT/".
 */
async function startServe(opts, projects, { extra = [], timeoutMs = 60000 } = {}) {
    const args = ['serve', ...projects, '--port', '0', ...extra];
    log(`starting ${opts.cli} ${args.join(' ')}`);
    const started = Date.now();
    const child = spawn(opts.cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => {
        err += d.toString();
        if (err.length > 20000) err = err.slice(-20000);
    });
    const line = await withTimeout(
        new Promise((resolveLine, reject) => {
            child.stdout.on('data', (d) => {
                out += d.toString();
                const nl = out.indexOf('\n');
                if (nl >= 0) resolveLine(out.slice(0, nl));
            });
            child.once('exit', (code, signal) => reject(new Failure(`lazyscribe serve exited (code ${code}, signal ${signal}) before printing its URL; stderr: ${err.trim() || '(empty)'}`)));
            child.once('error', (e) => reject(new Failure(`cannot start ${opts.cli}: ${e.message}`)));
        }),
        timeoutMs,
        'lazyscribe serve start',
    ).catch((e) => {
        killChild(child);
        if (e instanceof Failure) throw e;
        throw new Failure(`${e.message}; stdout so far: ${JSON.stringify(out)}; stderr: ${err.trim()}`);
    });
    const m = /^lazyscribe: serving (\d+) experiments? of (\d+) projects? at (http:\/\/127\.0\.0\.1:(\d+)\/)$/.exec(line.trim());
    if (!m) {
        killChild(child);
        fail(`lazyscribe serve's first line is not "lazyscribe: serving N experiments of K projects at http://127.0.0.1:PORT/": ${JSON.stringify(line)}`);
    }
    const server = { child, url: m[3], port: Number(m[4]), experiments: Number(m[1]), projects: Number(m[2]), startupMs: Date.now() - started, stderr: () => err };
    log(`server up at ${server.url} (${server.experiments} experiments of ${server.projects} projects, ${server.startupMs} ms)`);
    child.once('exit', (code, signal) => {
        if (!server.stopping) log(`lazyscribe serve exited unexpectedly (code ${code}, signal ${signal}); stderr: ${err.trim()}`);
    });
    return server;
}

async function stopServe(server) {
    if (!server) return;
    server.stopping = true;
    if (server.child.exitCode !== null || server.child.signalCode !== null) return;
    const exited = new Promise((r) => server.child.once('exit', (code, signal) => r({ code, signal })));
    const started = Date.now();
    server.child.kill('SIGTERM');
    const r = await Promise.race([exited, sleep(5000).then(() => null)]);
    if (r && Date.now() - started > 1000) log(`note: lazyscribe serve took ${Date.now() - started} ms to stop after SIGTERM`);
    if (!r) {
        log('lazyscribe serve did not stop within 5 s of SIGTERM; killing it');
        killChild(server.child);
        return { code: null, signal: 'SIGKILL', hung: true };
    }
    return r;
}

/** A raw HTTP request (the path is sent exactly as given, no normalisation). */
function request(url, path, { method = 'GET', host = null, timeoutMs = 10000, body = null, headers = {} } = {}) {
    const u = new URL(url);
    return new Promise((resolveReq, reject) => {
        const req = http.request(
            { host: host ?? u.hostname, port: u.port, path, method, agent: false, headers: { Connection: 'close', ...headers }, timeout: timeoutMs },
            (res) => {
                const chunks = [];
                res.on('data', (c) => chunks.push(c));
                res.on('end', () => resolveReq({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
                res.on('error', reject);
            },
        );
        req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
        req.on('error', reject);
        if (body) req.write(body);
        req.end();
    });
}

async function getJson(server, path) {
    const r = await request(server.url, path, { timeoutMs: 60000 });
    check(r.status === 200, `GET ${path} answered ${r.status}: ${r.body.toString().slice(0, 300)}`);
    try {
        return JSON.parse(r.body.toString('utf8'));
    } catch (e) {
        fail(`GET ${path} is not strict JSON (${e.message}): ${r.body.toString().slice(0, 300)}`);
    }
}

/** A JSON parse that accepts Python's bare NaN/Infinity (for our own project files only). */
function parsePythonJson(text) {
    return JSON.parse(text.replace(/(?<=[\s:\[,])(-?Infinity|NaN)(?=[\s,\]}])/g, 'null'));
}

// ---------------------------------------------------------------------------------------------
// The page.

const READY = 'document.body && document.body.dataset.ready === "1"';

// Records when the page first says it is ready (a MutationObserver installed before any script).
const BEFORE_LOAD = `
(() => {
    window.__lazyscribeTest = {marker: Math.random().toString(36).slice(2), readyAt: null};
    const note = () => {
        if (window.__lazyscribeTest.readyAt === null && document.body && document.body.dataset.ready === '1')
            window.__lazyscribeTest.readyAt = performance.now();
    };
    new MutationObserver(note).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-ready']});
    document.addEventListener('DOMContentLoaded', note);
})();
`;

let browser = null;

async function openPage(url, { width = 1280, height = 900, readyTimeoutMs = 30000 } = {}) {
    if (!browser) {
        browser = await launch({ profileParent: options.work });
        log(`browser: ${browser.version}`);
    }
    const page = await browser.newPage(url, { width, height, beforeLoad: BEFORE_LOAD });
    await page.waitFor(READY, readyTimeoutMs, { what: 'document.body.dataset.ready === "1"' });
    return page;
}

// In-page helpers, prepended to evaluated expressions.
const LIB = `
const $ = (s, r = document) => r.querySelector(s);
const $$ = (s, r = document) => [...r.querySelectorAll(s)];
const text = (s) => { const e = $(s); return e ? e.textContent.trim() : null; };
const viewport = () => $('#runs-viewport');
const nextFrame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
// Every run row in display order: scrolls #runs-viewport from top to bottom in steps smaller than
// the viewport and merges the rows of each step in DOM order (new rows of a step follow the ones
// already seen); restores the scroll position.
async function allRows() {
    const vp = viewport();
    if (!vp) throw new Error('no #runs-viewport');
    const saved = vp.scrollTop;
    const seen = new Set();
    const out = [];
    const collect = () => {
        for (const tr of $$('tr.run', vp)) {
            const key = tr.dataset.slug + '\u0000' + tr.dataset.index;
            if (seen.has(key)) continue;
            seen.add(key);
            out.push({slug: tr.dataset.slug, index: Number(tr.dataset.index)});
        }
    };
    vp.scrollTop = 0; vp.dispatchEvent(new Event('scroll')); await nextFrame(); collect();
    const step = Math.max(20, Math.floor(vp.clientHeight / 2));
    for (let guard = 0; guard < 20000 && vp.scrollTop + vp.clientHeight < vp.scrollHeight - 1; ++guard) {
        const before = vp.scrollTop;
        vp.scrollTop = before + step; vp.dispatchEvent(new Event('scroll')); await nextFrame(); collect();
        if (vp.scrollTop === before) break;
    }
    vp.scrollTop = saved; vp.dispatchEvent(new Event('scroll')); await nextFrame();
    return out;
}
function runCount() {
    const t = text('#run-count');
    if (t === null) return null;
    const m = /([\\d.,\\s\\u00a0\\u202f']+)\\s+of\\s+([\\d.,\\s\\u00a0\\u202f']+)/.exec(t);
    if (!m) return {text: t};
    const num = (s) => Number(s.replace(/[^\\d]/g, ''));
    return {text: t, shown: num(m[1]), total: num(m[2])};
}
`;

function inPage(body) {
    return `(async () => { ${LIB}\n${body}\n})()`;
}

async function rowsInOrder(page) {
    return page.evaluate(inPage('return await allRows();'), { timeoutMs: 60000 });
}

async function runCount(page) {
    return page.evaluate(inPage('return runCount();'));
}

/** Types a query into #where (then Enter) and waits for the page to settle on `until`. */
async function applyWhere(page, query, until, timeoutMs = 8000) {
    const before = await page.evaluate('document.body.dataset.version');
    await page.type('#where', query, { enter: true });
    // The filter also applies "after typing pauses": give a debounce the time it needs.
    await sleep(400);
    return page.waitFor(inPage(until), timeoutMs, { what: `the page to settle after #where = ${JSON.stringify(query)}` }).catch(async (e) => {
        const state = await page.evaluate(inPage('return {count: text("#run-count"), error: text("#where-error"), value: $("#where") && $("#where").value};'));
        fail(`${e.message}\n  page state: ${JSON.stringify(state)} (version before: ${before})`);
    });
}

/** Scrolls until the row of slug exists and clicks its input.select (a real mouse click). */
async function selectRow(page, slug) {
    const found = await page.evaluate(inPage(`
        const vp = viewport();
        const sel = 'tr.run[data-slug=' + JSON.stringify(${JSON.stringify(slug)}) + '] input.select';
        vp.scrollTop = 0; vp.dispatchEvent(new Event('scroll')); await nextFrame();
        for (let guard = 0; guard < 10000; ++guard) {
            if ($(sel)) return true;
            const before = vp.scrollTop;
            vp.scrollTop += Math.max(50, vp.clientHeight - 40); vp.dispatchEvent(new Event('scroll')); await nextFrame();
            if (vp.scrollTop === before) break;
        }
        return !!$(sel);`));
    check(found, `no row tr.run[data-slug="${slug}"] with an input.select in #runs-viewport`);
    const sel = `tr.run[data-slug="${slug}"] input.select`;
    await page.click(sel);
    await page.waitFor(`document.querySelector(${JSON.stringify(sel)})?.checked === true`, 3000, { what: `${sel} to be checked after a click` });
}

function pageDiagnostics(page) {
    const parts = [];
    if (page?.exceptions?.length) parts.push(`page exceptions: ${page.exceptions.slice(-5).join(' | ')}`);
    const errs = page?.consoleMessages?.filter((m) => /^(error|warning|assert)/.test(m)) ?? [];
    if (errs.length) parts.push(`console: ${errs.slice(-5).join(' | ')}`);
    return parts.join('\n  ');
}

// ---------------------------------------------------------------------------------------------
// Case: table — sorting, the #where filter, errors, and the page's query engine against the CLI's.

const TABLE_QUERIES = [
    'metrics.acc > 0.8',
    'tag = clean and params.optimizer.name = adam',
    'not tag ~ SWEEP or metrics.loss <= 1',
    'metrics.acc = null',
    'params.use_bn = true and metrics.acc >= 0.7',
    'name ~ "run 1" or author = carol',
    "status = finished and created_at >= '2024-06'",
    'params.batch_size != 32',
    '(metrics.loss < 1.2 or metrics.acc > 0.9) and not author = bob',
    'slug = baseline or metrics.`n_trees` >= 100 or metrics.note ~ DIV',
];

// Runs a case's checks on its open page: a page exception fails the case, a failure carries the
// page's diagnostics, and the server (and what `cleanup` stops) is stopped on every exit path.
async function onPage(page, server, body, cleanup = () => {}) {
    try {
        await body();
        check(page.exceptions.length === 0, `the page threw: ${page.exceptions.join(' | ')}`);
    } catch (e) {
        if (e instanceof Failure && pageDiagnostics(page)) e.message += `\n  ${pageDiagnostics(page)}`;
        throw e;
    } finally {
        cleanup();
        await stopServe(server);
    }
}

async function caseTable(opts) {
    const dir = join(opts.work, 'table');
    rmSync(dir, { recursive: true, force: true });
    const made = spawnSync('python3', [join(HERE, 'make_project.py'), 'table', dir, opts.fixtures], { encoding: 'utf8' });
    check(made.status === 0, `make_project.py table failed: ${made.stderr || made.error}`);
    const project = join(dir, 'project.json');
    const listed = cliJson(opts, ['list', project]);
    const server = await startServe(opts, [project]);
    check(server.experiments === listed.length, `serve says ${server.experiments} experiments, lazyscribe list shows ${listed.length}`);
    // /api/runs is strict JSON; non-finite numbers are strings (fixture 08's special numbers).
    const doc = await getJson(server, '/api/runs');
    check(doc.count === listed.length && doc.runs.slug.length === listed.length, `/api/runs has count ${doc.count} and ${doc.runs?.slug?.length} slugs; lazyscribe list shows ${listed.length}`);
    const special = doc.runs.slug.indexOf('special-numbers-20240703000000');
    check(special >= 0, '/api/runs lacks the special-numbers fixture run');
    const got = ['nan', 'pos_inf', 'neg_inf'].map((m) => doc.metrics[m]?.[special]);
    check(JSON.stringify(got) === JSON.stringify(['NaN', 'Infinity', '-Infinity']), `/api/runs gives the non-finite metrics as ${JSON.stringify(got)}; expected ["NaN","Infinity","-Infinity"]`);
    const page = await openPage(server.url);
    await onPage(page, server, async () => {
        // --- the table renders.
        const count = await runCount(page);
        check(count && count.total === listed.length && count.shown === listed.length, `#run-count is ${JSON.stringify(count)}, expected "${listed.length} of ${listed.length} runs"`);
        check(await page.evaluate('document.body.dataset.mode') === 'live', 'document.body.dataset.mode is not "live" when served');
        let rows = await rowsInOrder(page);
        check(sameSet(rows.map((r) => r.slug), listed.map((e) => e.slug)), () => `the table's rows differ from lazyscribe list: ${describeDiff(rows.map((r) => r.slug), listed.map((e) => e.slug))}`);
        log(`table renders ${rows.length} runs`);

        // --- clicking a metric header sorts (asc, then desc), against `lazyscribe list --sort acc`.
        const sortedCli = cliJson(opts, ['list', project, '--sort', 'acc']);
        const hasAcc = new Set(sortedCli.filter((e) => typeof e.metrics?.acc === 'number').map((e) => e.slug));
        const expectedAsc = sortedCli.map((e) => e.slug).filter((s) => hasAcc.has(s));
        check(expectedAsc.length >= 20, `expected at least 20 runs with a numeric acc, lazyscribe list has ${expectedAsc.length}`);
        const header = 'th[data-column="metrics.acc"]';
        await page.click(header);
        await page.waitFor(`document.querySelector('${header}')?.getAttribute('aria-sort') === 'ascending'`, 5000, { what: `${header} to have aria-sort="ascending" after one click` });
        rows = await rowsInOrder(page);
        let order = rows.map((r) => r.slug).filter((s) => hasAcc.has(s));
        check(JSON.stringify(order) === JSON.stringify(expectedAsc), () => `ascending sort by metrics.acc (runs with a number): ${orderDiff(order, expectedAsc)}`);
        const lastNumeric = Math.max(...rows.map((r, i) => (hasAcc.has(r.slug) ? i : -1)));
        const missingBefore = rows.slice(0, lastNumeric).filter((r) => !hasAcc.has(r.slug)).map((r) => r.slug);
        if (missingBefore.length) log(`note: in ascending order ${missingBefore.length} runs without acc come before numeric ones (${missingBefore.slice(0, 3).join(', ')})`);
        await page.click(header);
        await page.waitFor(`document.querySelector('${header}')?.getAttribute('aria-sort') === 'descending'`, 5000, { what: `${header} to have aria-sort="descending" after a second click` });
        rows = await rowsInOrder(page);
        order = rows.map((r) => r.slug).filter((s) => hasAcc.has(s));
        check(JSON.stringify(order) === JSON.stringify([...expectedAsc].reverse()), () => `descending sort by metrics.acc (runs with a number): ${orderDiff(order, [...expectedAsc].reverse())}`);
        const others = await page.evaluate(`[...document.querySelectorAll('th[aria-sort]')].filter(th => th.getAttribute('aria-sort') !== 'none' && th.dataset.column !== 'metrics.acc').map(th => th.dataset.column)`);
        check(others.length === 0, `other headers still claim aria-sort: ${others.join(', ')}`);
        log('sorting by metrics.acc matches lazyscribe list --sort acc (ascending and descending)');

        // --- the #where filter against `lazyscribe list --where`.
        const q = 'metrics.acc > 0.8';
        const cli = cliWhere(opts, project, q);
        check(!cli.error, `lazyscribe list --where '${q}' failed: ${cli.error}`);
        await applyWhere(page, q, `const c = runCount(); return c && c.shown === ${cli.slugs.length} && !text('#where-error');`);
        rows = await rowsInOrder(page);
        check(sameSet(rows.map((r) => r.slug), cli.slugs), () => `#where '${q}': ${describeDiff(rows.map((r) => r.slug), cli.slugs)}`);
        log(`#where '${q}' shows the same ${cli.slugs.length} runs as lazyscribe list --where`);

        // --- a syntax error and an unknown field are shown in #where-error, as the CLI words them.
        for (const bad of ['metrics.acc > ', 'metrics.acuracy > 0.5', 'status = runing', 'foo = 1']) {
            const c = cliWhere(opts, project, bad);
            check(c.error, `lazyscribe list --where '${bad}' did not fail (it selected ${c.slugs?.length} runs)`);
            const cliMessage = (/query: .*/.exec(c.error) ?? [c.error])[0].trim();
            // Wait for this query's message (the previous one's may still be shown for a moment).
            await applyWhere(page, bad, `const t = text('#where-error'); return !!t && t.includes(${JSON.stringify(cliMessage)});`).catch((e) => {
                fail(`#where-error does not show the CLI's message ${JSON.stringify(cliMessage)} for '${bad}': ${e.message}`);
            });
            const stillRows = await page.evaluate('document.querySelectorAll("tr.run").length');
            if (stillRows === 0) log(`note: with the bad query '${bad}' the table shows no rows`);
        }
        log('syntax error / unknown field / unknown status are shown in #where-error as the CLI words them');
        // Emptying the box removes the filter (all runs, no error). Checked softly: the
        // cross-check below does not depend on it.
        const soft = [];
        await applyWhere(page, '', `const c = runCount(); return c && c.shown === ${listed.length} && !text('#where-error');`).then(
            () => log('emptying #where shows all runs again'),
            (e) => soft.push(`emptying #where does not remove the filter: ${e.message}`),
        );

        // --- window.lazyscribeQuery.filter against the CLI for several queries.
        const api = await page.evaluate(`typeof window.lazyscribeQuery === 'object' && window.lazyscribeQuery !== null ? Object.keys(window.lazyscribeQuery) : null`);
        check(api && api.includes('filter'), `window.lazyscribeQuery.filter does not exist (window.lazyscribeQuery: ${JSON.stringify(api)})`);
        for (const query of TABLE_QUERIES) {
            const c = cliWhere(opts, project, query);
            check(!c.error, `lazyscribe list --where ${JSON.stringify(query)} failed: ${c.error}`);
            const r = await page.evaluate(inPage(`
                const runs = await (await fetch('/api/runs')).json();
                let out;
                try { out = window.lazyscribeQuery.filter(runs, ${JSON.stringify(query)}); }
                catch (e) { return {error: String(e && e.message || e)}; }
                if (out && typeof out.then === 'function') out = await out;
                if (out instanceof Set) out = [...out];
                if (out && !Array.isArray(out) && typeof out.length === 'number') out = Array.from(out);
                if (!Array.isArray(out)) return {error: 'filter returned ' + JSON.stringify(out).slice(0, 200)};
                const slugs = runs.runs.slug;
                let picked;
                if (out.length === slugs.length && out.every(v => typeof v === 'boolean' || v === 0 || v === 1) && out.some(v => typeof v === 'boolean'))
                    picked = slugs.filter((_, i) => out[i]);
                else if (out.every(v => typeof v === 'number')) picked = out.map(i => slugs[i]);
                else if (out.every(v => typeof v === 'string')) picked = out.map(s => s.includes(':') && !slugs.includes(s) ? s.slice(s.indexOf(':') + 1) : s);
                else if (out.every(v => v && typeof v === 'object' && 'slug' in v)) picked = out.map(v => v.slug);
                else return {error: 'cannot read the result: ' + JSON.stringify(out.slice(0, 5))};
                return {slugs: picked};`));
            check(!r.error, `window.lazyscribeQuery.filter(${JSON.stringify(query)}): ${r.error}`);
            check(sameSet(r.slugs, c.slugs), () => `query ${JSON.stringify(query)}: ${describeDiff(r.slugs, c.slugs, 'lazyscribeQuery.filter', 'lazyscribe list --where')}`);
            log(`query ${JSON.stringify(query)}: ${c.slugs.length} runs, page and CLI agree`);
        }
        check(soft.length === 0, () => soft.join('\n'));
    });
}

// ---------------------------------------------------------------------------------------------
// Case: live — a writer logs a run slowly; the open page follows it without reloading.

const LIVE_STEPS = 60;
const LIVE_INTERVAL_MS = 250;

/** Points of an SVG path: coordinate pairs of its M/L commands (H/V count one each). */
const COUNT_POINTS = `
function pathPoints(p) {
    const d = p.getAttribute('d') || '';
    let n = 0;
    for (const m of d.matchAll(/([MmLlHhVvCcSsQqTtAaZz])([^MmLlHhVvCcSsQqTtAaZz]*)/g)) {
        const nums = (m[2].match(/-?(\\d+\\.?\\d*|\\.\\d+)(e[-+]?\\d+)?/gi) || []).length;
        const c = m[1].toUpperCase();
        if (c === 'M' || c === 'L' || c === 'T') n += nums / 2;
        else if (c === 'H' || c === 'V') n += nums;
        else if (c === 'C') n += nums / 6;
        else if (c === 'S' || c === 'Q') n += nums / 4;
        else if (c === 'A') n += nums / 7;
    }
    return Math.round(n);
}
`;

async function caseLive(opts) {
    if (!opts.writer) throw new SkipError('no live writer (lazyscribe_viewer_live_writer is not built; --writer is empty)');
    opts.writer = resolve(opts.writer);
    check(existsSync(opts.writer), `the live writer ${opts.writer} does not exist`);
    const dir = join(opts.work, 'live');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const project = join(dir, 'project.json');
    log(`starting ${opts.writer} ${dir} ${LIVE_STEPS} ${LIVE_INTERVAL_MS}`);
    const writer = spawn(opts.writer, [dir, String(LIVE_STEPS), String(LIVE_INTERVAL_MS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    track(writer);
    let writerErr = '';
    writer.stderr.on('data', (d) => (writerErr += d.toString()));
    writer.stdout.on('data', () => {});
    let writerExit = null;
    const writerDone = new Promise((r) => writer.once('exit', (code, signal) => r((writerExit = { code, signal }))));

    // Wait for the project file and a running run in it.
    let running = null;
    for (const deadline = Date.now() + 20000; Date.now() < deadline && !running; await sleep(100)) {
        if (writerExit) fail(`the writer exited (code ${writerExit.code}) before its run showed as running: ${writerErr.trim()}`);
        if (!existsSync(project)) continue;
        const r = runCli(opts, ['list', dir, '--json'], { allowFail: true });
        if (r.status !== 0) continue;
        try {
            running = JSON.parse(r.stdout).find((e) => e.status === 'running') ?? null;
        } catch {
            /* a partial write: try again */
        }
    }
    check(running, `no running run in ${project} within 20 s of starting the writer (stderr: ${writerErr.trim()})`);
    log(`the writer's run ${running.slug} is running`);

    const server = await startServe(opts, [dir], { extra: ['--poll-interval', '200'] });
    const page = await openPage(`${server.url}#select=0:${encodeURIComponent(running.slug)}`);
    await onPage(page, server, async () => {
        const slug = running.slug;
        const rowSel = `tr.run[data-slug="${slug}"]`;
        const statusSel = `${rowSel} td[data-column="status"]`;
        await page.waitFor(`document.querySelector(${JSON.stringify(statusSel)})?.textContent.includes('running')`, 10000, { what: `${statusSel} to say running` });
        const marker = await page.evaluate('window.__lazyscribeTest.marker');
        const version0 = await page.evaluate('document.body.dataset.version');
        check(version0, 'document.body.dataset.version is empty');

        // Opened with #select=0:SLUG: the run should be selected already; otherwise click its box.
        const preselected = await page.evaluate(`document.querySelector(${JSON.stringify(rowSel + ' input.select')})?.checked === true`);
        if (!preselected) {
            log('note: #select=0:SLUG in the URL did not select the run; selecting it with a click');
            await selectRow(page, slug);
        }
        const series = `#history-chart path.series[data-slug="${slug}"]`;
        await page.waitFor(`!!document.querySelector(${JSON.stringify(series)})`, 10000, { what: `${series} to be drawn` });
        const metricName = await page.evaluate(`document.querySelector('select#history-metric')?.value ?? null`);
        log(`history chart shows ${metricName ?? '(no select#history-metric)'} for ${slug}`);

        const counts = [];
        const points = () => page.evaluate(inPage(`${COUNT_POINTS} const p = $(${JSON.stringify(series)}); return p ? pathPoints(p) : -1;`));
        while (!writerExit) {
            counts.push(await points());
            await sleep(500);
            if (Date.now() - t0 > 200000) fail('the writer is still running after 200 s');
        }
        await writerDone;
        check(writerExit.code === 0, `the writer exited with code ${writerExit.code} (signal ${writerExit.signal}): ${writerErr.trim()}`);
        log(`points seen while the writer ran: ${counts.join(' ')}`);
        const rises = counts.filter((c, i) => i > 0 && c > counts[i - 1]).length;
        check(counts.every((c, i) => i === 0 || c >= counts[i - 1] || c < 0), `the point count went down: ${counts.join(' ')}`);
        check(rises >= 2, `the history chart did not grow while the run was logging (point counts every 0.5 s: ${counts.join(' ')})`);

        await page.waitFor(`document.querySelector(${JSON.stringify(statusSel)})?.textContent.includes('finished')`, 15000, { what: `${statusSel} to say finished after the writer ended` }).catch(async (e) => {
            fail(`${e.message}; status cell: ${JSON.stringify(await page.evaluate(`document.querySelector(${JSON.stringify(statusSel)})?.textContent ?? null`))}; CLI: ${JSON.stringify(cliJson(opts, ['list', dir]).map((r) => [r.slug, r.status]))}`);
        });
        // The final history: as many points as the server has for it.
        const history = metricName ? await getJson(server, `/api/history?p=0&slug=${encodeURIComponent(slug)}&metric=${encodeURIComponent(metricName)}`) : null;
        const expectedFinal = history ? Math.min(history.total, 2000) : null;
        if (expectedFinal !== null) {
            await page.waitFor(inPage(`${COUNT_POINTS} const p = $(${JSON.stringify(series)}); return p && pathPoints(p) >= ${expectedFinal};`), 10000, { what: `${series} to have all ${expectedFinal} points` }).catch(async (e) => {
                fail(`${e.message}; it has ${await points()}`);
            });
        }
        const navs = await page.evaluate(`performance.getEntriesByType('navigation').length`);
        const marker2 = await page.evaluate('window.__lazyscribeTest && window.__lazyscribeTest.marker');
        check(navs === 1 && marker2 === marker, `the page was reloaded (navigation entries ${navs}, marker ${marker2} vs ${marker})`);
        const version1 = await page.evaluate('document.body.dataset.version');
        check(version1 !== version0, `document.body.dataset.version did not change (${version0})`);
        const stillSelected = await page.evaluate(`document.querySelector(${JSON.stringify(rowSel + ' input.select')})?.checked`);
        check(stillSelected === true, 'the live run is no longer selected after the refreshes');
        log(`history grew to ${await points()} points, status finished, no reload, version ${version0} -> ${version1}`);
    }, () => killChild(writer));
}

// ---------------------------------------------------------------------------------------------
// Case: compare_plots — compare view, parallel coordinates, scatter, a screenshot.

function pngInfo(bytes) {
    const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    if (bytes.length < 33 || !bytes.subarray(0, 8).equals(sig)) return null;
    if (bytes.subarray(12, 16).toString('latin1') !== 'IHDR') return null;
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), hasIend: bytes.subarray(-8, -4).toString('latin1') === 'IEND' };
}

async function caseComparePlots(opts) {
    const dir = join(opts.work, 'compare');
    rmSync(dir, { recursive: true, force: true });
    const made = spawnSync('python3', [join(HERE, 'make_project.py'), 'table', dir, opts.fixtures], { encoding: 'utf8' });
    check(made.status === 0, `make_project.py table failed: ${made.stderr || made.error}`);
    const project = join(dir, 'project.json');
    const experiments = parsePythonJson(readFileSync(project, 'utf8'));
    const clean = experiments.filter((e) => e.tags.includes('clean'));
    const server = await startServe(opts, [project]);
    const page = await openPage(server.url);
    await onPage(page, server, async () => {
        await applyWhere(page, 'tag = clean', `const c = runCount(); return c && c.shown === ${clean.length} && !text('#where-error');`);
        const chosen = clean.slice(0, 3);
        for (const e of chosen) await selectRow(page, e.slug);
        log(`selected ${chosen.map((e) => e.slug).join(', ')}`);

        // --- the compare view.
        await page.click('button#compare');
        await page.waitFor(`(() => { const v = document.querySelector('#compare-view'); const t = v && v.querySelector('table.compare'); return !!t && t.getBoundingClientRect().height > 0; })()`, 5000, { what: '#compare-view table.compare to be shown' });
        const table = await page.evaluate(`(() => {
            const t = document.querySelector('#compare-view table.compare');
            const rows = [...t.querySelectorAll('tr')];
            return {
                head: [...rows[0].children].map(c => c.textContent.trim()),
                rows: rows.map(r => ({cls: r.className, cells: [...r.children].map(c => c.textContent.trim())})),
                deltas: t.querySelectorAll('td.delta').length,
            };
        })()`);
        // A column per run (named by its name or slug); other header cells are the label column and
        // delta columns (Δ).
        const names0 = (e) => (h) => h.includes(e.slug) || h.includes(e.name) || h.includes(e.short_slug);
        const runColumns = table.head.filter((h) => chosen.some((e) => names0(e)(h))).length;
        for (const e of chosen) {
            const n = table.head.filter(names0(e)).length;
            check(n === 1, `table.compare's header ${JSON.stringify(table.head)} names ${e.name} (${e.slug}) in ${n} cells; expected a column per run`);
        }
        check(runColumns === chosen.length, `table.compare's header ${JSON.stringify(table.head)} has ${runColumns} run columns; expected ${chosen.length}`);
        // Which params differ among the three (flattened with dots).
        const flat = (obj, prefix = '', out = {}) => {
            for (const [k, v] of Object.entries(obj)) {
                if (v && typeof v === 'object' && !Array.isArray(v)) flat(v, `${prefix}${k}.`, out);
                else out[prefix + k] = JSON.stringify(v);
            }
            return out;
        };
        const params = chosen.map((e) => flat(e.parameters));
        const names = [...new Set(params.flatMap((p) => Object.keys(p)))];
        const differing = names.filter((n) => new Set(params.map((p) => p[n])).size > 1);
        const same = names.filter((n) => !differing.includes(n));
        check(differing.length >= 2 && same.length >= 1, `test setup: expected differing and equal params among the chosen runs (${differing} / ${same})`);
        const rowOf = (name) => table.rows.find((r) => r.cells.length > 0 && (r.cells[0] === name || r.cells[0] === `params.${name}` || r.cells[0].replace(/\s+/g, '') === `params.${name}`));
        for (const n of differing) {
            const r = rowOf(n);
            check(r, `table.compare has no row for the param ${n} (first cells: ${table.rows.map((x) => x.cells[0]).join(', ')})`);
            check(/\bdiffers\b/.test(r.cls), `the row of param ${n} (${r.cells.join(' | ')}) differs among the runs but is not tr.differs`);
        }
        for (const n of same) {
            const r = rowOf(n);
            if (r) check(!/\bdiffers\b/.test(r.cls), `the row of param ${n} (${r.cells.join(' | ')}) is tr.differs though the values are equal`);
        }
        check(table.deltas > 0, 'table.compare has no td.delta (metric deltas against the first selected run)');
        log(`compare: ${runColumns} run columns, tr.differs for ${differing.join(', ')}, not for ${same.join(', ')}, ${table.deltas} td.delta`);

        // The page may show its charts in tabs (#tabs button[data-tab=...]): show the chart's tab first.
        const showTab = async (name) => {
            const sel = `#tabs button[data-tab="${name}"]`;
            if (await page.evaluate(`!!document.querySelector('${sel}')`)) await page.click(sel);
        };
        const boxOf = (id) => page.evaluate(`(() => {
            const svg = document.getElementById('${id}');
            if (!svg) return null;
            const r = svg.getBoundingClientRect();
            const marks = [...svg.querySelectorAll('path.series, path.line, circle.point')].map(e => e.getBoundingClientRect()).filter(b => b.width > 0 || b.height > 0);
            let u = null;
            for (const b of marks) u = u ? {l: Math.min(u.l, b.left), t: Math.min(u.t, b.top), r: Math.max(u.r, b.right), b: Math.max(u.b, b.bottom)} : {l: b.left, t: b.top, r: b.right, b: b.bottom};
            const note = svg.parentElement && svg.parentElement.querySelector('.chart-note');
            return {w: r.width, h: r.height, marks: marks.length, markBox: u && {w: u.r - u.l, h: u.b - u.t}, tag: svg.tagName.toLowerCase(), note: note ? note.textContent.trim() : null};
        })()`);
        const boxes = {};
        const checkBox = (id, b, needMarks) => {
            check(b, `#${id} does not exist`);
            check(b.tag === 'svg', `#${id} is a ${b.tag}, not an svg`);
            check(b.w > 0 && b.h > 0, `#${id} has an empty bounding box (${b.w}x${b.h}) while its chart is shown`);
            if (needMarks) check(b.marks > 0 && b.markBox && b.markBox.w > 0 && b.markBox.h > 0, `#${id}'s marks have an empty bounding box: ${JSON.stringify(b)}`);
            boxes[id] = b;
        };

        await showTab('charts');
        checkBox('history-chart', await boxOf('history-chart'), false);

        // --- parallel coordinates: one path.line per filtered run, on axes every filtered run has.
        await showTab('parallel');
        const axes = ['params.lr', 'params.batch_size', 'metrics.acc', 'metrics.loss'];
        const axisMenu = await page.evaluate(`(() => {
            const boxes = [...document.querySelectorAll('input[type=checkbox][data-axis]')];
            if (!boxes.length) return null;
            const want = ${JSON.stringify(axes)};
            for (const cb of boxes) {
                const on = want.includes(cb.dataset.axis);
                if (cb.checked !== on) { cb.checked = on; cb.dispatchEvent(new Event('input', {bubbles: true})); cb.dispatchEvent(new Event('change', {bubbles: true})); }
            }
            return boxes.filter(cb => cb.checked).map(cb => cb.dataset.axis);
        })()`);
        if (axisMenu) check(axisMenu.length === axes.length, `the parallel coordinates' axis menu (input[data-axis]) lacks some of ${axes.join(', ')}: checked ${axisMenu.join(', ')}`);
        else log('note: no axis menu (input[data-axis]) for the parallel coordinates: default axes');
        const lines = await page.waitFor(`(() => { const n = document.querySelectorAll('#parallel path.line').length; return n > 0 ? n : false; })()`, 5000, { what: '#parallel path.line' }).catch(() => 0);
        const pBox = await boxOf('parallel');
        check(lines === clean.length, `#parallel has ${lines} path.line; expected one per filtered run (${clean.length}; axes ${axisMenu ? axisMenu.join(', ') : 'default'}; note: ${JSON.stringify(pBox?.note)})`);
        checkBox('parallel', pBox, true);
        const pngParallel = await page.screenshot(join(opts.work, 'compare_plots_parallel.png'));

        // --- scatter: params.lr against metrics.acc, one circle.point per run (all clean runs have both).
        await showTab('scatter');
        const pick = async (sel, wanted) => {
            const values = await page.evaluate(`[...(document.querySelector('${sel}')?.options ?? [])].map(o => o.value)`);
            const v = values.find((x) => x === wanted) ?? values.find((x) => x === wanted.split('.').slice(1).join('.'));
            check(v !== undefined, `${sel} has no option ${wanted} (options: ${values.join(', ')})`);
            await page.select(sel, v);
        };
        await pick('select#scatter-x', 'params.lr');
        await pick('select#scatter-y', 'metrics.acc');
        const points = await page.waitFor(`(() => { const n = document.querySelectorAll('#scatter circle.point').length; return n > 0 ? n : false; })()`, 5000, { what: '#scatter circle.point' }).catch(() => 0);
        const sBox = await boxOf('scatter');
        check(points === clean.length, `#scatter has ${points} circle.point for params.lr x metrics.acc; expected ${clean.length} (note: ${JSON.stringify(sBox?.note)})`);
        checkBox('scatter', sBox, true);
        log(`#parallel: ${lines} path.line, #scatter: ${points} circle.point`);
        const infoParallel = pngInfo(pngParallel);
        check(infoParallel && infoParallel.width === 1280 && infoParallel.height === 900, `the parallel coordinates' screenshot: ${JSON.stringify(infoParallel)}`);

        const shot = join(opts.work, 'compare_plots.png');
        const png = await page.screenshot(shot);
        const info = pngInfo(png);
        check(info, `${shot} is not a PNG (first bytes ${png.subarray(0, 8).toString('hex')})`);
        check(info.width === 1280 && info.height === 900 && info.hasIend, `${shot}: ${JSON.stringify(info)}; expected a complete 1280x900 PNG`);
        check(png.length > 10000, `${shot} is only ${png.length} bytes: an almost blank page?`);
        const full = await page.screenshot(join(opts.work, 'compare_plots_full.png'), { fullPage: true });
        const fullInfo = pngInfo(full);
        check(fullInfo && fullInfo.width >= 1280 && fullInfo.height >= 900, `full-page screenshot: ${JSON.stringify(fullInfo)}`);
        log(`charts: ${JSON.stringify(boxes)}; screenshot ${shot} ${info.width}x${info.height} ${png.length} bytes, full page ${fullInfo.width}x${fullInfo.height}`);
    });
}

// ---------------------------------------------------------------------------------------------
// Case: scroll — 100,000 runs, virtual scrolling, time to first paint and heap.

const SCROLL_RUNS = 100000;

async function caseScroll(opts) {
    const dir = join(opts.work, 'scroll');
    const project = join(dir, 'project.json');
    rmSync(dir, { recursive: true, force: true });
    let t = Date.now();
    const made = spawnSync('python3', [join(HERE, 'make_project.py'), 'scroll', dir, String(SCROLL_RUNS)], { encoding: 'utf8', timeout: 120000 });
    check(made.status === 0, `make_project.py scroll failed: ${made.stderr || made.error}`);
    log(`wrote ${SCROLL_RUNS} runs in ${Date.now() - t} ms`);

    const server = await startServe(opts, [project], { timeoutMs: 120000 });
    metric('serve_startup_100k', server.startupMs, 'ms');
    check(server.experiments === SCROLL_RUNS, `serve says ${server.experiments} experiments, expected ${SCROLL_RUNS}`);
    t = Date.now();
    const runs = await request(server.url, '/api/runs', { timeoutMs: 120000 });
    check(runs.status === 200, `/api/runs answered ${runs.status}`);
    metric('api_runs_100k_time', Date.now() - t, 'ms');
    metric('api_runs_100k_size', runs.body.length / 1048576, 'MiB');

    t = Date.now();
    const page = await openPage(server.url, { readyTimeoutMs: 120000 });
    const wall = Date.now() - t;
    await onPage(page, server, async () => {
        const timing = await page.evaluate(`(() => {
            const paint = Object.fromEntries(performance.getEntriesByType('paint').map(e => [e.name, e.startTime]));
            return {readyAt: window.__lazyscribeTest.readyAt, fp: paint['first-paint'] ?? null, fcp: paint['first-contentful-paint'] ?? null};
        })()`);
        metric('time_to_ready_100k', timing.readyAt ?? wall, 'ms');
        const fetches = await page.evaluate(`performance.getEntriesByType('resource').map(e => ({name: new URL(e.name).pathname, start: Math.round(e.startTime), duration: Math.round(e.duration), size: e.transferSize}))`);
        const apiRuns = fetches.find((f) => f.name === '/api/runs');
        if (apiRuns) metric('page_fetch_api_runs_100k', apiRuns.duration, 'ms');
        log(`page requests before ready: ${fetches.filter((f) => timing.readyAt === null || f.start <= timing.readyAt).map((f) => `${f.name} at ${f.start} ms took ${f.duration} ms`).join('; ')}`);
        if (timing.fp !== null) metric('first_paint_100k', timing.fp, 'ms');
        if (timing.fcp !== null) metric('first_contentful_paint_100k', timing.fcp, 'ms');
        // The first paint showing rows: ready plus one frame.
        const count = await runCount(page);
        check(count && count.total === SCROLL_RUNS && count.shown === SCROLL_RUNS, `#run-count is ${JSON.stringify(count)}, expected "${SCROLL_RUNS} of ${SCROLL_RUNS} runs"`);
        const dom = await page.evaluate(inPage(`
            const vp = viewport();
            const rows = $$('tr.run');
            const h = rows.length ? rows[0].getBoundingClientRect().height : 0;
            return {rows: rows.length, rowHeight: h, scrollHeight: vp.scrollHeight, clientHeight: vp.clientHeight, nodes: document.getElementsByTagName('*').length};`));
        check(dom.rows > 0, 'no tr.run in the DOM');
        check(dom.rows < 300, `${dom.rows} tr.run in the DOM: not virtual scrolling (expected < 300)`);
        check(dom.clientHeight > 0 && dom.clientHeight < dom.scrollHeight, `#runs-viewport does not scroll (clientHeight ${dom.clientHeight}, scrollHeight ${dom.scrollHeight})`);
        check(dom.scrollHeight >= 0.9 * SCROLL_RUNS * dom.rowHeight, `#runs-viewport's scrollHeight ${dom.scrollHeight} is too small for ${SCROLL_RUNS} rows of ${dom.rowHeight}px (no tall spacer?)`);
        metric('dom_rows_100k', dom.rows, 'rows');
        metric('dom_elements_100k', dom.nodes, 'elements');

        // Scroll to the middle and to the bottom; time until the rows are there.
        const scrollTo = (where) => page.evaluate(inPage(`
            const vp = viewport();
            const start = performance.now();
            vp.scrollTop = ${where === 'bottom' ? 'vp.scrollHeight' : 'vp.scrollHeight / 2'};
            vp.dispatchEvent(new Event('scroll'));
            for (let i = 0; i < 300; ++i) {
                await nextFrame();
                const rows = $$('tr.run');
                const vr = vp.getBoundingClientRect();
                const visible = rows.filter(r => { const b = r.getBoundingClientRect(); return b.bottom > vr.top && b.top < vr.bottom; });
                if (visible.length) {
                    const idx = visible.map(r => Number(r.dataset.index));
                    const last = rows[rows.length - 1];
                    return {ms: performance.now() - start, rows: rows.length, visible: visible.length, first: idx[0], lastVisible: idx[idx.length - 1],
                            lastRow: Number(last.dataset.index), max: Math.max(...rows.map(r => Number(r.dataset.index))), min: Math.min(...rows.map(r => Number(r.dataset.index)))};
                }
            }
            return {ms: performance.now() - start, rows: $$('tr.run').length, visible: 0};`), { timeoutMs: 30000 });
        const mid = await scrollTo('middle');
        check(mid.visible > 0, `no visible row after scrolling to the middle (${JSON.stringify(mid)})`);
        check(mid.rows < 300, `${mid.rows} rows in the DOM after scrolling to the middle`);
        await sleep(300);
        const bottom = await scrollTo('bottom');
        check(bottom.visible > 0, `no visible row after scrolling to the bottom (${JSON.stringify(bottom)})`);
        check(bottom.rows < 300, `${bottom.rows} rows in the DOM after scrolling to the bottom`);
        // Default order is the project's order (ascending created_at); newest-first is accepted too.
        const ascending = bottom.lastRow >= SCROLL_RUNS - 100;
        const descending = bottom.lastRow <= 99;
        check(ascending || descending, `after scrolling to the bottom the last row has data-index ${bottom.lastRow}; expected near ${SCROLL_RUNS - 1} (${JSON.stringify(bottom)})`);
        if (descending) log(`note: the default order is newest first (last row data-index ${bottom.lastRow})`);
        // The middle really is the middle (rows 40k..60k), so the spacer's height matches the rows.
        check(mid.first > 0.4 * SCROLL_RUNS && mid.first < 0.6 * SCROLL_RUNS, `after scrolling to the middle the first visible row has data-index ${mid.first}`);
        metric('scroll_render_middle_100k', mid.ms, 'ms');
        metric('scroll_render_bottom_100k', bottom.ms, 'ms');
        log(`middle: ${JSON.stringify(mid)}; bottom: ${JSON.stringify(bottom)}`);

        // Degradation limits over 100,000 runs: parallel <= 1,000 lines, scatter <= 5,000 points,
        // history overlay <= 10 runs, each with a .chart-note saying what was left out.
        const showTab = async (name) => {
            const sel = `#tabs button[data-tab="${name}"]`;
            if (await page.evaluate(`!!document.querySelector('${sel}')`)) await page.click(sel);
        };
        const chart = (id, mark) => page.evaluate(`(() => {
            const svg = document.getElementById('${id}');
            const note = svg && svg.parentElement && svg.parentElement.querySelector('.chart-note');
            return {marks: svg ? svg.querySelectorAll('${mark}').length : -1, note: note ? note.textContent.trim() : null};
        })()`);
        await showTab('parallel');
        const par = await page.waitFor(`(() => { const n = document.querySelectorAll('#parallel path.line').length; return n > 0 ? n : false; })()`, 30000, { what: '#parallel path.line over 100,000 runs' }).then(() => chart('parallel', 'path.line'));
        check(par.marks > 0 && par.marks <= 1000, `#parallel draws ${par.marks} path.line over ${SCROLL_RUNS} runs (at most 1,000)`);
        check(par.note, `#parallel samples ${par.marks} of ${SCROLL_RUNS} runs without a .chart-note saying so`);
        await showTab('scatter');
        const sca = await page.waitFor(`(() => { const n = document.querySelectorAll('#scatter circle.point').length; return n > 0 ? n : false; })()`, 30000, { what: '#scatter circle.point over 100,000 runs' }).then(() => chart('scatter', 'circle.point'));
        check(sca.marks > 0 && sca.marks <= 5000, `#scatter draws ${sca.marks} circle.point over ${SCROLL_RUNS} runs (at most 5,000)`);
        check(sca.note, `#scatter samples ${sca.marks} of ${SCROLL_RUNS} runs without a .chart-note saying so`);
        await showTab('charts');
        const his = await chart('history-chart', 'path.series');
        check(his.marks <= 10, `#history-chart overlays ${his.marks} runs (at most 10)`);
        const legend = await page.evaluate(`Math.max(0, ...[...document.querySelectorAll('.legend')].map(l => l.children.length))`);
        check(legend <= 10, `a legend has ${legend} entries (at most 10)`);
        log(`degradation: parallel ${par.marks} lines (${par.note}); scatter ${sca.marks} points (${sca.note}); history ${his.marks} series; largest legend ${legend}`);

        const mem = await page.memory();
        metric('js_heap_used_100k', mem.usedJSHeap / 1048576, 'MiB');
        metric('js_heap_total_100k', mem.totalJSHeap / 1048576, 'MiB');
    });
}

// ---------------------------------------------------------------------------------------------
// Case: refuse — path traversal, methods, loopback only (plain HTTP, no browser).

async function caseRefuse(opts) {
    const dir = join(opts.work, 'refuse');
    rmSync(dir, { recursive: true, force: true });
    cpSync(join(opts.fixtures, '03_artifacts'), dir, { recursive: true });
    const slug = 'feature-pipeline-20240310140000';
    // A file in the experiment's folder that is not one of its artifacts, and one next to the project.
    writeFileSync(join(dir, slug, 'secret.txt'), 'SECRET-NOT-AN-ARTIFACT\n');
    writeFileSync(join(dir, 'secret.txt'), 'SECRET-NEXT-TO-THE-PROJECT\n');
    const projectBytes = readFileSync(join(dir, 'project.json'));
    const server = await startServe(opts, [join(dir, 'project.json')]);
    try {
        const forbidden = [
            '/files/0/../../etc/passwd',
            '/files/0/%2e%2e/x',
            '/files/0/%2E%2E/%2E%2E/etc/passwd',
            `/files/0/${slug}/..%2fproject.json`,
            `/files/0/${slug}/..%2Fproject.json`,
            `/files/0/${slug}/%2e%2e%2fproject.json`,
            `/files/0/${slug}/../project.json`,
            `/files/0/${slug}/..%5cproject.json`,
            `/files/0/${slug}/..\\project.json`,
            `/files/0/${slug}/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd`,
            `/files/0/${slug}/%252e%252e%252fproject.json`,
            `/files/0/${slug}/config.json/../../project.json`,
            '/files//etc/passwd',
            '/files/0//etc/passwd',
            `/files/0/${slug}//etc/passwd`,
            `/files/0/${slug}/%2fetc%2fpasswd`,
            `/files/0/${slug}/secret.txt`,
            `/files/0/${slug}/..%2fsecret.txt`,
            '/files/0/..%2fsecret.txt/x',
            '/files/1/x/config.json',
            '/files/0/no-such-slug/config.json',
        ];
        const leaks = [/root:.*:0:0:/, /SECRET-/, new RegExp(projectBytes.subarray(0, 60).toString().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))];
        for (const path of forbidden) {
            const r = await request(server.url, path);
            const body = r.body.toString('latin1');
            check(r.status === 403 || r.status === 404 || r.status === 400, `GET ${path} answered ${r.status} (expected 403 or 404): ${body.slice(0, 200)}`);
            check(!leaks.some((re) => re.test(body)), `GET ${path} answered ${r.status} with file contents: ${body.slice(0, 200)}`);
            if (r.status === 403) {
                let j = null;
                try {
                    j = JSON.parse(body);
                } catch {
                    /* checked below */
                }
                check(j && typeof j.error === 'string', `GET ${path}: 403 without a JSON {"error": ...} body: ${body.slice(0, 200)}`);
            }
            log(`GET ${path} -> ${r.status}`);
        }
        // The traversal attempts proper must be 403 "refused", not just "not found".
        for (const path of ['/files/0/../../etc/passwd', `/files/0/${slug}/..%2fproject.json`, '/files/0/%2e%2e/x']) {
            const r = await request(server.url, path);
            if (r.status !== 403) log(`note: GET ${path} answered ${r.status}, the spec says 403 "refused: ... outside the project"`);
        }

        // Existing artifacts: the bytes, with the content type by suffix.
        const ok = await request(server.url, `/files/0/${slug}/config.json`);
        check(ok.status === 200, `GET /files/0/${slug}/config.json answered ${ok.status}: ${ok.body.toString().slice(0, 200)}`);
        check(ok.body.equals(readFileSync(join(dir, slug, 'config.json'))), `GET /files/0/${slug}/config.json did not answer the file's bytes`);
        check(/^application\/json/.test(ok.headers['content-type'] ?? ''), `config.json served as ${ok.headers['content-type']}`);
        const pkl = await request(server.url, `/files/0/${slug}/scaler-20240310140200.pkl`);
        check(pkl.status === 200 && pkl.body.equals(readFileSync(join(dir, slug, 'scaler-20240310140200.pkl'))), `the .pkl artifact answered ${pkl.status} / other bytes`);
        check(/^application\/octet-stream/.test(pkl.headers['content-type'] ?? '') && /attachment/.test(pkl.headers['content-disposition'] ?? ''), `the .pkl artifact: content-type ${pkl.headers['content-type']}, content-disposition ${pkl.headers['content-disposition']} (expected octet-stream, attachment)`);
        log('artifacts are served with their bytes and content types');

        // Methods and unknown paths.
        for (const [method, path] of [['POST', '/'], ['POST', '/api/runs'], ['PUT', `/files/0/${slug}/config.json`], ['DELETE', `/files/0/${slug}/config.json`], ['PATCH', '/api/runs']]) {
            const r = await request(server.url, path, { method, body: method === 'DELETE' ? null : '{}', headers: { 'Content-Type': 'application/json' } });
            check(r.status === 405, `${method} ${path} answered ${r.status}, expected 405`);
        }
        const head = await request(server.url, '/', { method: 'HEAD' });
        check(head.status === 200, `HEAD / answered ${head.status}`);
        const root = await request(server.url, '/');
        check(root.status === 200 && /^text\/html/.test(root.headers['content-type'] ?? ''), `GET / answered ${root.status} ${root.headers['content-type']}`);
        const nope = await request(server.url, '/no/such/path');
        check(nope.status === 404, `GET /no/such/path answered ${nope.status}`);
        const badRun = await request(server.url, '/api/run?p=7&slug=x');
        check(badRun.status === 404 && typeof JSON.parse(badRun.body.toString()).error === 'string', `GET /api/run?p=7&slug=x answered ${badRun.status}: ${badRun.body.toString().slice(0, 200)}`);
        log('POST/PUT/DELETE/PATCH -> 405, HEAD / -> 200, unknown path -> 404');

        // Loopback only: the machine's other addresses do not answer.
        const addresses = Object.values(os.networkInterfaces()).flat().filter((a) => a && !a.internal && (a.family === 'IPv4' || a.family === 4));
        if (addresses.length === 0) {
            log('no non-loopback IPv4 address on this machine: the loopback-only check is skipped');
        } else {
            for (const a of addresses) {
                const outcome = await new Promise((r) => {
                    const s = net.connect({ host: a.address, port: server.port, timeout: 3000 });
                    s.once('connect', () => {
                        s.destroy();
                        r('connected');
                    });
                    s.once('timeout', () => {
                        s.destroy();
                        r('timeout');
                    });
                    s.once('error', (e) => r(e.code ?? e.message));
                });
                check(outcome !== 'connected', `the server accepts connections on ${a.address}:${server.port}; it must listen on 127.0.0.1 only`);
                log(`connect to ${a.address}:${server.port}: ${outcome}`);
            }
        }

        // The event stream: a version event on connect; and SIGTERM still stops the server while a
        // client holds the stream open (as every open page does).
        const events = await new Promise((resolveEv, reject) => {
            const req = http.get({ host: '127.0.0.1', port: server.port, path: '/api/events', agent: false }, (res) => {
                let text = '';
                const timer = setTimeout(() => resolveEv({ res, req, status: res.statusCode, type: res.headers['content-type'], text }), 5000);
                res.on('data', (d) => {
                    text += d.toString();
                    if (/event: version\ndata: \{.*"version".*\}\n\n/.test(text)) {
                        clearTimeout(timer);
                        resolveEv({ res, req, status: res.statusCode, type: res.headers['content-type'], text });
                    }
                });
                res.on('error', () => {});
            });
            req.on('error', reject);
        });
        check(events.status === 200 && /^text\/event-stream/.test(events.type ?? ''), `/api/events answered ${events.status} ${events.type}`);
        check(/event: version\ndata: \{.*"version".*\}\n\n/.test(events.text), `/api/events sent no version event within 5 s: ${JSON.stringify(events.text.slice(0, 200))}`);
        const stopStart = Date.now();
        const r = await stopServe(server);
        events.req.destroy();
        check(!(r && r.hung), 'lazyscribe serve did not stop within 5 s of SIGTERM while a client held /api/events open (every open page does)');
        log(`/api/events sends its version event; SIGTERM with an open event stream stops the server in ${Date.now() - stopStart} ms (exit ${JSON.stringify(r)})`);
    } finally {
        await stopServe(server);
    }
}

// ---------------------------------------------------------------------------------------------

const CASES = { table: caseTable, live: caseLive, compare_plots: caseComparePlots, scroll: caseScroll, refuse: caseRefuse };

const options = parseArgs(process.argv.slice(2));
if (!options.case || !CASES[options.case]) usage(`CASE must be one of ${Object.keys(CASES).join(', ')}`);
if (!options.cli || !existsSync(options.cli)) usage(`--cli ${options.cli}: no such program`);
if (!options.work) usage('--work DIR is needed');
if (!options.fixtures || !existsSync(options.fixtures)) usage(`--fixtures ${options.fixtures}: no such folder`);
options.work = join(options.work, options.case);
rmSync(options.work, { recursive: true, force: true });
mkdirSync(options.work, { recursive: true });

setHardTimeout(280000, `viewer.${options.case}`);
try {
    await CASES[options.case](options);
    log(`PASS viewer.${options.case} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    browser?.close();
    process.exit(0);
} catch (e) {
    browser?.close();
    if (e instanceof SkipError) {
        console.log(`SKIP viewer.${options.case}: ${e.message}`);
        process.exit(SKIP);
    }
    process.stderr.write(`FAIL viewer.${options.case}: ${e instanceof Failure ? e.message : e.stack ?? e}\n`);
    process.exit(1);
}
