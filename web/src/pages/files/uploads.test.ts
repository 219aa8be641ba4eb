import { describe, expect, it, vi } from 'vitest';
import { DavError, type PutHandle } from '../../api/dav';
import { fromFileList, walkDropped } from './picked';
import { summarize, UploadQueue, type Transport } from './uploads';

// ---------------------------------------------------------------- picking

const file = (name: string, size = 1, relPath = '') => {
  const f = new File([new Uint8Array(size)], name);
  if (relPath) Object.defineProperty(f, 'webkitRelativePath', { value: relPath });
  return f;
};

// Fakes of the File and Directory Entries API, as a drop gives them.
function fileEntry(name: string, size = 1): FileSystemFileEntry {
  return { name, isFile: true, isDirectory: false, file: (ok: (f: File) => void) => ok(file(name, size)) } as unknown as FileSystemFileEntry;
}
function dirEntry(name: string, children: FileSystemEntry[], batch = 2): FileSystemDirectoryEntry {
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader: () => {
      let at = 0;
      // Like Chromium: a few entries per call, then an empty batch.
      return {
        readEntries: (ok: (e: FileSystemEntry[]) => void) => {
          const next = children.slice(at, at + batch);
          at += batch;
          setTimeout(() => ok(next), 0);
        },
      };
    },
  } as unknown as FileSystemDirectoryEntry;
}

describe('picking files', () => {
  it('takes plain files and a folder chosen with webkitdirectory', () => {
    expect(fromFileList([file('a.txt'), file('b.txt')])).toEqual({ folders: [], files: [expect.objectContaining({ relPath: 'a.txt' }), expect.objectContaining({ relPath: 'b.txt' })] });
    const picked = fromFileList([file('1.jpg', 1, 'Photos/2024/1.jpg'), file('2.jpg', 1, 'Photos/2.jpg'), file('3.jpg', 1, 'Photos/2024/été/3.jpg')]);
    expect(picked.folders).toEqual(['Photos', 'Photos/2024', 'Photos/2024/été']);
    expect(picked.files.map((f) => f.relPath)).toEqual(['Photos/2024/1.jpg', 'Photos/2.jpg', 'Photos/2024/été/3.jpg']);
  });

  it('walks dropped folders to the bottom, reading every batch, empty folders included', async () => {
    const tree = dirEntry('Rapports 2026', [
      fileEntry('a.txt'),
      fileEntry('b.txt'),
      dirEntry('vide', []),
      dirEntry('Q1', [fileEntry('c.txt'), fileEntry('d.txt'), fileEntry('e.txt')]),
      fileEntry('f.txt'),
    ]);
    const picked = await walkDropped([tree, fileEntry('seul.txt'), file('plain.bin')]);
    expect(picked.folders).toEqual(['Rapports 2026', 'Rapports 2026/vide', 'Rapports 2026/Q1']);
    expect(picked.files.map((f) => f.relPath)).toEqual([
      'Rapports 2026/a.txt',
      'Rapports 2026/b.txt',
      'Rapports 2026/Q1/c.txt',
      'Rapports 2026/Q1/d.txt',
      'Rapports 2026/Q1/e.txt',
      'Rapports 2026/f.txt',
      'seul.txt',
      'plain.bin',
    ]);
  });
});

// ---------------------------------------------------------------- the queue

interface Pending {
  path: string;
  overwrite: boolean;
  progress: (n: number) => void;
  ok: () => void;
  fail: (e: unknown) => void;
  aborted: boolean;
}

function fakeTransport(mkcolAnswers: Record<string, DavError> = {}) {
  const pending: Pending[] = [];
  const folders: string[] = [];
  const transport: Transport = {
    put: (_login, path, _file, { overwrite, onProgress }): PutHandle => {
      let ok!: () => void;
      let fail!: (e: unknown) => void;
      const promise = new Promise<{ status: number; etag: null; fileId: null }>((res, rej) => {
        ok = () => res({ status: 201, etag: null, fileId: null });
        fail = rej;
      });
      const p: Pending = { path, overwrite, progress: onProgress, ok, fail, aborted: false };
      pending.push(p);
      return {
        promise,
        abort: () => {
          p.aborted = true;
          fail(new DavError(0, undefined, undefined, 'aborted'));
        },
      };
    },
    mkcol: async (_login, path) => {
      folders.push(path);
      if (mkcolAnswers[path]) throw mkcolAnswers[path];
    },
  };
  return { transport, pending, folders };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('the upload queue', () => {
  it('sends at most 3 files at once, with progress per file and in total', async () => {
    const { transport, pending } = fakeTransport();
    const uploaded = vi.fn();
    const q = new UploadQueue(transport, uploaded);
    q.add('admin', '/Rapports 2026', fromFileList([file('a', 10), file('b', 20), file('c', 30), file('d', 40)]));
    expect(pending.map((p) => p.path)).toEqual(['/Rapports 2026/a', '/Rapports 2026/b', '/Rapports 2026/c']);
    expect(q.getSnapshot().map((i) => i.status)).toEqual(['uploading', 'uploading', 'uploading', 'queued']);

    pending[0].progress(5);
    expect(summarize(q.getSnapshot())).toMatchObject({ loaded: 5, total: 100, active: 4 });
    pending[0].ok();
    await tick();
    expect(pending.map((p) => p.path)).toHaveLength(4);
    expect(q.getSnapshot()[0]).toMatchObject({ status: 'done', loaded: 10 });
    expect(summarize(q.getSnapshot())).toMatchObject({ loaded: 10, done: 1, active: 3 });
    expect(uploaded).toHaveBeenCalledTimes(1);
  });

  it('cancels one file or all, and a failure keeps its error', async () => {
    const { transport, pending } = fakeTransport();
    const q = new UploadQueue(transport);
    q.add('admin', '/', fromFileList([file('a', 1), file('b', 1), file('c', 1), file('d', 1), file('e', 1)]));
    const [a, b, c, d] = q.getSnapshot();
    q.cancel(d.id); // queued: never sent
    q.cancel(a.id); // running: aborted
    await tick();
    expect(pending[0].aborted).toBe(true);
    expect(q.getSnapshot().map((i) => i.status)).toEqual(['cancelled', 'uploading', 'uploading', 'cancelled', 'uploading']);

    pending[1].fail(new DavError(507, 'Over quota'));
    await tick();
    expect(q.getSnapshot()[1]).toMatchObject({ id: b.id, status: 'failed', error: expect.objectContaining({ code: 'quota-exceeded' }) });

    q.cancelAll();
    await tick();
    expect(q.getSnapshot().map((i) => i.status)).toEqual(['cancelled', 'failed', 'cancelled', 'cancelled', 'cancelled']);
    expect(pending).toHaveLength(4);
    expect(summarize(q.getSnapshot())).toMatchObject({ active: 0, total: 0 });

    q.retry(c.id);
    expect(q.getSnapshot()[2].status).toBe('uploading');
    q.clearFinished();
    expect(q.getSnapshot().map((i) => i.id)).toEqual([c.id]);
  });

  it('refuses a name already in the folder, then replaces it when asked', async () => {
    const { transport, pending } = fakeTransport();
    const q = new UploadQueue(transport);
    q.add('admin', '/Docs', fromFileList([file('notes.txt'), file('new.txt')]), new Set(['notes.txt']));
    const [notes] = q.getSnapshot();
    expect(notes).toMatchObject({ status: 'failed', error: expect.objectContaining({ code: 'exists' }) });
    expect(pending.map((p) => [p.path, p.overwrite])).toEqual([['/Docs/new.txt', false]]);
    q.retry(notes.id, true);
    expect(pending.map((p) => [p.path, p.overwrite])).toEqual([
      ['/Docs/new.txt', false],
      ['/Docs/notes.txt', true],
    ]);
  });

  it('creates the folders first, goes on when one exists, and fails the files of a folder it could not create', async () => {
    const { transport, pending, folders } = fakeTransport({
      '/Photos': new DavError(405, undefined, undefined, 'exists'),
      '/Photos/locked': new DavError(423, 'Locked'),
    });
    const q = new UploadQueue(transport);
    q.add(
      'admin',
      '/',
      fromFileList([file('1.jpg', 1, 'Photos/1.jpg'), file('2.jpg', 1, 'Photos/locked/2.jpg'), file('3.jpg', 1, 'Photos/locked/deep/3.jpg')]),
    );
    expect(pending).toHaveLength(0);
    expect(q.getSnapshot().map((i) => i.status)).toEqual(['queued', 'queued', 'queued']);
    await tick();
    expect(folders).toEqual(['/Photos', '/Photos/locked']);
    expect(pending.map((p) => p.path)).toEqual(['/Photos/1.jpg']);
    expect(q.getSnapshot().map((i) => [i.status, i.error?.code ?? null])).toEqual([
      ['uploading', null],
      ['failed', 'locked'],
      ['failed', 'locked'],
    ]);
  });
});
