/**
 * Server benchmark: feed pulls per second answered 304, full feed pulls (pulls/s and MB/s), and
 * upload MB/s, against the real server running in its own process (so client and server do not
 * share an event loop) on 127.0.0.1.
 *
 *   node --import tsx bench/server.ts [--size MB] [--requests N] [--full-requests N]
 *                                     [--concurrency C] [--work-dir DIR]
 *
 * --size is the feed (and upload) size in MB (default 100, the issue's reference; tests use 1).
 * Prints one JSON line per measurement: {stage:'server', variant, requests, bytes, seconds,
 * perSecond, mbPerSecond, peakRssBytes, machine}. Every full pull's body hash is checked against
 * the published manifest, so a fast wrong answer cannot pass.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CatalogRegistry } from '../src/catalogs/index.js';
import { loadConfig, dataPaths, type Config } from '../src/config.js';
import { openAppDb } from '../src/db/index.js';
import { publishFeed } from '../src/emit/publish/index.js';
import { FeedmillError } from '../src/errors.js';
import { startServer, TokenStore } from '../src/server/index.js';
import { machineInfo } from './lib/machine.js';
import { peakRssBytes, startClock } from './lib/measure.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '100' },
    requests: { type: 'string', default: '5000' },
    'full-requests': { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '50' },
    'work-dir': { type: 'string' },
    child: { type: 'string' },
  },
});

function positive(name: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new FeedmillError('FEEDMILL_BENCH_OPTION', `--${name} must be a positive number`, { option: name, value: v ?? null });
  return n;
}

function configAt(dir: string): Config {
  return loadConfig({ dataDir: join(dir, 'data'), stagingDir: join(dir, 'staging'), logLevel: 'silent', maxUploadBytes: 64 * 1024 ** 3 }, {});
}

if (values.child !== undefined) {
  // Child mode: serve the prepared data dir until SIGTERM.
  const server = await startServer({ config: configAt(values.child), host: '127.0.0.1', port: 0, maxConcurrentUploads: 64 });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
} else {
  await main();
}

async function main(): Promise<void> {
  const sizeMb = positive('size', values.size);
  const requests = Math.round(positive('requests', values.requests));
  const fullRequests = Math.round(positive('full-requests', values['full-requests']));
  const concurrency = Math.round(positive('concurrency', values.concurrency));
  const own = values['work-dir'] === undefined;
  const dir = values['work-dir'] ?? mkdtempSync(join(tmpdir(), 'feedmill-bench-server-'));
  let child: ChildProcess | undefined;
  try {
    const config = configAt(dir);
    const { feedToken, uploadToken, fileName, sha256, bytes } = await prepare(config, dir, sizeMb);
    const started = await spawnServer(dir);
    child = started.child;
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const path = `/feeds/bench/${feedToken}/${fileName}`;
    const machine = machineInfo();

    const t304 = startClock();
    await runPool(requests, concurrency, async () => {
      const r = await get(started.url, path, agent, { 'if-none-match': `"${sha256}"` });
      if (r.status !== 304) throw new FeedmillError('FEEDMILL_BENCH_FAILED', `expected 304, got ${r.status}`, { status: r.status });
    });
    report('pull-304', requests, 0, t304(), machine);

    const tFull = startClock();
    await runPool(fullRequests, Math.min(concurrency, 4), async () => {
      const r = await get(started.url, path, agent, {});
      if (r.status !== 200 || r.sha256 !== sha256) throw new FeedmillError('FEEDMILL_BENCH_FAILED', 'a full pull returned other bytes than the published feed', { status: r.status });
    });
    report('pull-full', fullRequests, bytes * fullRequests, tFull(), machine, { feedBytes: bytes });

    const uploadBytes = Math.round(sizeMb * 1e6);
    const tUp = startClock();
    const status = await upload(started.url, uploadToken, uploadBytes);
    if (status !== 202) throw new FeedmillError('FEEDMILL_BENCH_FAILED', `the upload answered ${status}`, { status });
    report('upload', 1, uploadBytes, tUp(), machine);
    agent.destroy();
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    if (own) rmSync(dir, { recursive: true, force: true });
  }
}

function report(variant: string, count: number, bytes: number, seconds: number, machine: ReturnType<typeof machineInfo>, extra: Record<string, unknown> = {}): void {
  const line = {
    stage: 'server',
    variant,
    requests: count,
    bytes,
    seconds: Number(seconds.toFixed(4)),
    perSecond: Math.round(count / seconds),
    mbPerSecond: Number((bytes / 1e6 / seconds).toFixed(1)),
    peakRssBytes: peakRssBytes(),
    ...extra,
    machine: { cores: machine.cores, node: machine.node, cpuModel: machine.cpuModel },
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** A catalog, its tokens and one published uncompressed feed of `sizeMb` MB (built in 1 MB parts). */
async function prepare(config: Config, dir: string, sizeMb: number) {
  const db = openAppDb(config);
  try {
    new CatalogRegistry(db).add({ name: 'bench', profile: 'auto' });
    const tokens = new TokenStore(db);
    const feedToken = tokens.issue('bench', 'feed').token;
    const uploadToken = tokens.issue('bench', 'upload').token;
    const partsDir = join(dir, 'parts');
    mkdirSync(partsDir, { recursive: true });
    const line = (i: number) => `<item><id>${i}</id><title>bench item ${i} ${randomBytes(24).toString('hex')}</title></item>\n`;
    const parts = [];
    let item = 0;
    const target = Math.round(sizeMb * 1e6);
    for (let written = 0, p = 0; written < target; p++) {
      let text = '';
      while (text.length < Math.min(1e6, target - written)) text += line(item++);
      const path = join(partsDir, `part-${p}`);
      writeFileSync(path, text);
      parts.push({ path, items: 0, bytes: text.length, rawBytes: text.length });
      written += text.length;
    }
    const result = await publishFeed({
      dir: join(dataPaths(config).feeds, 'bench'),
      catalog: 'bench',
      channel: 'bench',
      fileName: 'bench.xml',
      gzip: false,
      header: '<feed>\n',
      footer: '</feed>\n',
      parts,
      excluded: 0,
      catalogVersion: 1,
      rulesHash: null,
      generatedAt: new Date().toISOString(),
      gate: false,
      keepVersions: 1,
    });
    rmSync(partsDir, { recursive: true, force: true });
    return { feedToken, uploadToken, fileName: 'bench.xml', sha256: result.manifest.sha256, bytes: result.manifest.bytes };
  } finally {
    db.close();
  }
}

async function spawnServer(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', self, '--child', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve((JSON.parse(out.slice(0, nl)) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new FeedmillError('FEEDMILL_BENCH_FAILED', `the server process exited with ${code}`, { code })));
  });
  return { child, url };
}

async function runPool(total: number, concurrency: number, one: () => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

function get(base: string, path: string, agent: Agent, headers: Record<string, string>): Promise<{ status: number; sha256: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, agent, headers }, (res) => {
      const hash = createHash('sha256');
      res.on('data', (c: Buffer) => hash.update(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, sha256: hash.digest('hex') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Streams `bytes` of CSV text as one upload (chunked, no Content-Length: the server counts). */
function upload(base: string, token: string, bytes: number): Promise<number> {
  const url = new URL(base);
  const header = 'id,title,price,link\n';
  const row = Buffer.from('12345,A benchmark product with a plain title,19.90,https://shop.example/p/12345\n');
  const chunk = Buffer.concat(Array.from({ length: Math.ceil(65536 / row.length) }, () => row));
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: '/api/v1/catalogs/bench/source', method: 'PUT', headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    let sent = 0;
    req.write(header);
    sent += header.length;
    const pump = () => {
      while (sent < bytes) {
        const piece = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
