import { describe, expect, it } from 'vitest';
import { chunkedUpload, chunksOf, publicTarget, transferKey, userTarget, type ChunkIo, type TransferStore } from './chunked';
import { DavError, type PutHandle, type PutResult } from './dav';

// A server's upload folders in memory, and a log of the requests, to check what the
// client sends; the real server is exercised by ChunkedUploadTest and files-flow.mjs.
class FakeServer implements ChunkIo {
  uploads = new Map<string, Map<string, Uint8Array>>();
  log: string[] = [];
  headers: Record<string, string>[] = [];
  /** Failures to give to the next PUTs, in order (undefined = succeed). */
  putFailures: (DavError | undefined)[] = [];
  sleeps: number[] = [];
  /** Set to hold PUTs open until released (for abort). */
  hold = false;
  pending: (() => void)[] = [];

  folderOf(url: string) {
    return url.replace(/\/[^/]*$/, '');
  }

  async list(uploadUrl: string) {
    this.log.push(`PROPFIND ${uploadUrl}`);
    const u = this.uploads.get(uploadUrl);
    return u ? new Map([...u].map(([k, v]) => [k, v.length])) : null;
  }

  async mkcol(uploadUrl: string, headers: Record<string, string>) {
    this.log.push(`MKCOL ${uploadUrl}`);
    this.headers.push(headers);
    this.uploads.set(uploadUrl, new Map());
  }

  put(chunkUrl: string, chunk: Blob, headers: Record<string, string>, onProgress: (loaded: number) => void): PutHandle {
    this.log.push(`PUT ${chunkUrl.split('/').pop()}`);
    this.headers.push(headers);
    const failure = this.putFailures.shift();
    let reject: (e: unknown) => void = () => {};
    const promise = new Promise<PutResult>((resolve, rej) => {
      reject = rej;
      const finish = async () => {
        if (failure) return rej(failure);
        const bytes = new Uint8Array(await chunk.arrayBuffer());
        const folder = this.uploads.get(this.folderOf(chunkUrl));
        if (!folder) return rej(new DavError(404));
        folder.set(chunkUrl.split('/').pop()!, bytes);
        onProgress(bytes.length);
        resolve({ status: 201, etag: null, fileId: null });
      };
      if (this.hold) this.pending.push(() => void finish());
      else void finish();
    });
    return { promise, abort: () => reject(new DavError(0, undefined, undefined, 'aborted')) };
  }

  async remove(url: string) {
    this.log.push(`DELETE ${url}`);
    if (this.uploads.has(url)) this.uploads.delete(url);
    else this.uploads.get(this.folderOf(url))?.delete(url.split('/').pop()!);
  }

  assembled = new Uint8Array();

  async move(fileUrl: string, headers: Record<string, string>) {
    this.log.push(`MOVE ${fileUrl.split('/').pop()}`);
    this.headers.push(headers);
    const folder = this.uploads.get(this.folderOf(fileUrl));
    if (!folder) throw new DavError(404);
    const parts = [...folder].sort((a, b) => Number(a[0]) - Number(b[0])).map(([, v]) => v);
    this.assembled = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      this.assembled.set(p, at);
      at += p.length;
    }
    this.uploads.delete(this.folderOf(fileUrl));
    return { status: 201, etag: '"e"', fileId: '42' };
  }

  async sleep(ms: number) {
    this.sleeps.push(ms);
  }
}

class MemoryStore implements TransferStore {
  map = new Map<string, string>();
  get = (k: string) => this.map.get(k) ?? null;
  set = (k: string, v: string) => void this.map.set(k, v);
  delete = (k: string) => void this.map.delete(k);
}

const content = (n: number) => new Uint8Array(Array.from({ length: n }, (_, i) => i % 251));
const fileOf = (n: number) => new File([content(n)], 'big.bin', { lastModified: 1_700_000_000_000 });
const CHUNK = 4;

describe('chunked upload', () => {
  it('cuts a file into chunks 1…N', () => {
    expect(chunksOf(10, 4)).toEqual([
      { name: '1', start: 0, end: 4 },
      { name: '2', start: 4, end: 8 },
      { name: '3', start: 8, end: 10 },
    ]);
    expect(chunksOf(8, 4).map((c) => c.name)).toEqual(['1', '2']);
    expect(chunksOf(0, 4)).toEqual([{ name: '1', start: 0, end: 0 }]);
  });

  it('creates the upload, sends every chunk, then moves it into place with the v2 headers', async () => {
    const server = new FakeServer();
    const store = new MemoryStore();
    const progress: number[] = [];
    const h = chunkedUpload(server, store, userTarget('anne', '/Docs/big.bin'), fileOf(10), { overwrite: false, onProgress: (n) => progress.push(n) }, CHUNK);
    expect(store.map.size).toBe(1);
    const result = await h.promise;
    expect(result.fileId).toBe('42');
    expect(server.log.map((l) => l.replace(/web-[0-9a-f]+/, 'ID'))).toEqual([
      'PROPFIND /remote.php/dav/uploads/anne/ID',
      'MKCOL /remote.php/dav/uploads/anne/ID',
      'PUT 1',
      'PUT 2',
      'PUT 3',
      'MOVE .file',
    ]);
    expect(server.assembled).toEqual(content(10));
    for (const headers of server.headers) {
      expect(headers).toMatchObject({ Destination: '/remote.php/dav/files/anne/Docs/big.bin', 'OC-Total-Length': '10' });
    }
    expect(server.headers.at(-1)).toMatchObject({ Overwrite: 'F', 'X-OC-Mtime': '1700000000' });
    expect(progress.at(-1)).toBe(10);
    expect(store.map.size).toBe(0);
  });

  it('uploads through a public link into its uploads folder, with the nickname on every request', async () => {
    const server = new FakeServer();
    const store = new MemoryStore();
    const target = publicTarget('tok En', '/Reçus/scan 1.pdf', '  Amel Client ');
    await chunkedUpload(server, store, target, fileOf(10), { overwrite: false, onProgress: () => {} }, CHUNK).promise;
    expect(server.log.map((l) => l.replace(/web-[0-9a-f]+/, 'ID'))).toEqual([
      'PROPFIND /public.php/dav/uploads/tok%20En/ID',
      'MKCOL /public.php/dav/uploads/tok%20En/ID',
      'PUT 1',
      'PUT 2',
      'PUT 3',
      'MOVE .file',
    ]);
    expect(server.assembled).toEqual(content(10));
    for (const headers of server.headers) {
      expect(headers).toMatchObject({
        Destination: '/public.php/dav/files/tok%20En/Re%C3%A7us/scan%201.pdf',
        'OC-Total-Length': '10',
        'X-NC-Nickname': 'Amel%20Client',
      });
    }
    expect(store.map.size).toBe(0);
  });

  it('sends no nickname header when the visitor gave no name, and keeps links and users apart when resuming', async () => {
    const file = fileOf(10);
    expect(publicTarget('t', '/a.bin', ' ').headers).toEqual({});
    expect(publicTarget('t', '/a.bin', 'Amélie Łukasz\n').headers).toEqual({ 'X-NC-Nickname': 'Am%C3%A9lie%20%C5%81ukasz' });
    expect(transferKey(publicTarget('t', '/a.bin', '').owner, '/a.bin', file)).not.toBe(transferKey('t', '/a.bin', file));
    const server = new FakeServer();
    const store = new MemoryStore();
    const target = publicTarget('t', '/a.bin', '');
    store.set(transferKey(target.owner, target.path, file), 'web-abc');
    server.uploads.set('/public.php/dav/uploads/t/web-abc', new Map([['1', content(4)]]));
    await chunkedUpload(server, store, target, file, { overwrite: false, onProgress: () => {} }, CHUNK).promise;
    expect(server.log.filter((l) => l.startsWith('PUT'))).toEqual(['PUT 2', 'PUT 3']);
    expect(server.headers.every((h) => !('X-NC-Nickname' in h))).toBe(true);
  });

  it('resumes: asks the server what it has and sends only the missing or short chunks', async () => {
    const server = new FakeServer();
    const store = new MemoryStore();
    const file = fileOf(10);
    store.set(transferKey('anne', '/big.bin', file), 'web-abc');
    server.uploads.set(
      '/remote.php/dav/uploads/anne/web-abc',
      new Map([
        ['1', content(4)],
        ['2', content(2)], // cut short by the failure
        ['7', content(4)], // not a chunk of this file
      ]),
    );
    const resumed: number[] = [];
    await chunkedUpload(server, store, userTarget('anne', '/big.bin'), file, { overwrite: true, onProgress: () => {}, onResume: (n) => resumed.push(n) }, CHUNK).promise;
    expect(server.log).toEqual([
      'PROPFIND /remote.php/dav/uploads/anne/web-abc',
      'DELETE /remote.php/dav/uploads/anne/web-abc/7',
      'PUT 2',
      'PUT 3',
      'MOVE .file',
    ]);
    expect(resumed).toEqual([4]);
    expect(server.assembled).toEqual(content(10));
    expect(server.headers.at(-1)).toMatchObject({ Overwrite: 'T' });
  });

  it('tries a chunk again after a network failure, waiting longer each time', async () => {
    const server = new FakeServer();
    server.putFailures = [undefined, new DavError(0), new DavError(503)];
    await chunkedUpload(server, new MemoryStore(), userTarget('anne', '/big.bin'), fileOf(10), { overwrite: false, onProgress: () => {} }, CHUNK).promise;
    expect(server.log.filter((l) => l.startsWith('PUT'))).toEqual(['PUT 1', 'PUT 2', 'PUT 2', 'PUT 2', 'PUT 3']);
    expect(server.sleeps).toEqual([1000, 2000]);
    expect(server.assembled).toEqual(content(10));
  });

  it('fails on a refusal but keeps the transfer, so that a retry resumes', async () => {
    const server = new FakeServer();
    const store = new MemoryStore();
    server.putFailures = [undefined, new DavError(507)];
    const file = fileOf(10);
    await expect(chunkedUpload(server, store, userTarget('anne', '/big.bin'), file, { overwrite: false, onProgress: () => {} }, CHUNK).promise).rejects.toMatchObject({
      code: 'quota-exceeded',
    });
    expect(server.sleeps).toEqual([]);
    expect(store.map.size).toBe(1);
    server.log = [];
    await chunkedUpload(server, store, userTarget('anne', '/big.bin'), file, { overwrite: false, onProgress: () => {} }, CHUNK).promise;
    expect(server.log.filter((l) => l.startsWith('PUT'))).toEqual(['PUT 2', 'PUT 3']);
    expect(server.assembled).toEqual(content(10));
  });

  it('gives up after the last attempt at a chunk', async () => {
    const server = new FakeServer();
    server.putFailures = [new DavError(0), new DavError(0), new DavError(0), new DavError(0)];
    await expect(chunkedUpload(server, new MemoryStore(), userTarget('anne', '/big.bin'), fileOf(10), { overwrite: false, onProgress: () => {} }, CHUNK).promise).rejects.toMatchObject({
      code: 'network',
    });
    expect(server.log.filter((l) => l.startsWith('PUT'))).toHaveLength(4);
  });

  it('cancelling stops the chunk under way and deletes the upload folder', async () => {
    const server = new FakeServer();
    const store = new MemoryStore();
    server.hold = true;
    const h = chunkedUpload(server, store, userTarget('anne', '/big.bin'), fileOf(10), { overwrite: false, onProgress: () => {} }, CHUNK);
    await new Promise((r) => setTimeout(r, 0));
    expect(server.log.at(-1)).toBe('PUT 1');
    h.abort();
    await expect(h.promise).rejects.toMatchObject({ code: 'aborted' });
    expect(server.log.at(-1)).toMatch(/^DELETE \/remote.php\/dav\/uploads\/anne\/web-[0-9a-f]+$/);
    expect(server.uploads.size).toBe(0);
    expect(store.map.size).toBe(0);
  });

  it('starts afresh next time when the server no longer has the upload', async () => {
    const server = new FakeServer();
    const store = new MemoryStore();
    const file = fileOf(10);
    store.set(transferKey('anne', '/big.bin', file), 'web-gone');
    server.putFailures = [new DavError(404)];
    await expect(chunkedUpload(server, store, userTarget('anne', '/big.bin'), file, { overwrite: false, onProgress: () => {} }, CHUNK).promise).rejects.toMatchObject({
      status: 404,
    });
    expect(store.map.size).toBe(0);
  });
});
