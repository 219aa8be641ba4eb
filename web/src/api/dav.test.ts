import { DOMParser as XmlDomParser } from '@xmldom/xmldom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setRequestLanguage, setUnauthorizedHandler } from './client';
import {
  copy,
  DavError,
  davHref,
  getQuota,
  isSameOrInside,
  listFolder,
  mkcol,
  move,
  parseDavError,
  parseMultistatus,
  pathOfHref,
  put,
  quotaOf,
  remove,
  toListing,
} from './dav';

// Node has no DOMParser; the browser's and xmldom's both implement DOM Level 2 namespaces.
beforeEach(() => {
  vi.stubGlobal('DOMParser', XmlDomParser);
});
afterEach(() => {
  vi.unstubAllGlobals();
  setUnauthorizedHandler(() => {});
  setRequestLanguage('en');
});

// From a real Nextcloud 34 answer to the desktop client (shared/reference/captures/propfind-sample.txt),
// trimmed to the folder and one file: two propstats per response, the 404 one listing
// properties the server does not have (getcontentlength of the folder among them).
const NEXTCLOUD = `<?xml version="1.0"?>
<d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns"><d:response><d:href>/remote.php/dav/files/admin/capture/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype><d:getlastmodified>Sun, 29 Nov 2026 17:51:54 GMT</d:getlastmodified><d:getetag>&quot;6b0c663adf4ac&quot;</d:getetag><oc:size>31477760</oc:size><oc:id>00001209oco2esil64i2</oc:id><oc:fileid>1209</oc:fileid><oc:permissions>RGDNVCK</oc:permissions><oc:data-fingerprint></oc:data-fingerprint><oc:share-types/></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat><d:propstat><d:prop><d:getcontentlength/><oc:downloadURL/><oc:dDC/><oc:checksums/><nc:lock/><nc:lock-owner-displayname/><nc:lock-owner/><nc:lock-owner-type/><nc:lock-owner-editor/><nc:lock-time/><nc:lock-timeout/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response><d:response><d:href>/remote.php/dav/files/admin/capture/cap30.bin</d:href><d:propstat><d:prop><d:resourcetype/><d:getlastmodified>Sun, 29 Nov 2026 17:51:44 GMT</d:getlastmodified><d:getcontentlength>31457280</d:getcontentlength><d:getetag>&quot;a0d731d8e4d69992cb2905922c419d9d&quot;</d:getetag><oc:size>31457280</oc:size><oc:id>00001213oco2esil64i2</oc:id><oc:fileid>1213</oc:fileid><oc:downloadURL></oc:downloadURL><oc:permissions>RGDNVW</oc:permissions><oc:checksums><oc:checksum>SHA1:3af3b9d74545752fd181e0b1e7442044aa6bd8df</oc:checksum></oc:checksums><oc:data-fingerprint></oc:data-fingerprint><oc:share-types/><nc:lock></nc:lock></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat><d:propstat><d:prop><oc:dDC/><nc:lock-owner-displayname/><nc:lock-owner/><nc:lock-owner-type/><nc:lock-owner-editor/><nc:lock-time/><nc:lock-timeout/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response></d:multistatus>`;

// What Atrium's root listing looks like: names with a space, accents in NFC and in NFD
// (two different names, kept apart), an emoji, "%" and "#", and the quota on the root.
const NFC = 'Été.txt'.normalize('NFC');
const NFD = 'Été.txt'.normalize('NFD');
const ATRIUM_ROOT = `<?xml version="1.0" encoding="utf-8"?>
<d:multistatus xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns" xmlns:s="http://sabredav.org/ns">
<d:response><d:href>/remote.php/dav/files/camille.d%40example.com/</d:href><d:propstat><d:prop>
  <d:resourcetype><d:collection/></d:resourcetype><d:getlastmodified>Tue, 05 Mar 2024 10:00:00 GMT</d:getlastmodified>
  <d:getetag>"root1"</d:getetag><oc:fileid>1</oc:fileid><oc:size>5242922</oc:size><oc:permissions>RGDNVCK</oc:permissions>
  <d:quota-used-bytes>5242922</d:quota-used-bytes><d:quota-available-bytes>10732175318</d:quota-available-bytes>
</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
<d:response><d:href>/remote.php/dav/files/camille.d%40example.com/Rapports%202026/</d:href><d:propstat><d:prop>
  <d:resourcetype><d:collection/></d:resourcetype><d:getlastmodified>Wed, 06 Mar 2024 08:30:00 GMT</d:getlastmodified>
  <d:getetag>"f2"</d:getetag><oc:fileid>2</oc:fileid><oc:size>5242880</oc:size><oc:permissions>RGDNVCK</oc:permissions>
</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
<d:response><d:href>/remote.php/dav/files/camille.d%40example.com/bilan-%C3%A9t%C3%A9.txt</d:href><d:propstat><d:prop>
  <d:resourcetype/><d:getcontentlength>12</d:getcontentlength><d:getlastmodified>Thu, 07 Mar 2024 09:15:30 GMT</d:getlastmodified>
  <d:getetag>"e3"</d:getetag><d:getcontenttype>text/plain</d:getcontenttype><oc:fileid>3</oc:fileid><oc:size>12</oc:size><oc:permissions>RGDNVW</oc:permissions>
</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
<d:response><d:href>/remote.php/dav/files/camille.d%40example.com/${encodeURIComponent(NFC)}</d:href><d:propstat><d:prop>
  <d:resourcetype/><d:getcontentlength>1</d:getcontentlength><oc:fileid>4</oc:fileid>
</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
<d:response><d:href>/remote.php/dav/files/camille.d%40example.com/${encodeURIComponent(NFD)}</d:href><d:propstat><d:prop>
  <d:resourcetype/><d:getcontentlength>2</d:getcontentlength><oc:fileid>5</oc:fileid>
</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
<d:response><d:href>/remote.php/dav/files/camille.d%40example.com/%F0%9F%8E%89%20f%C3%AAte%20100%25%20%231.png</d:href><d:propstat><d:prop>
  <d:resourcetype/><d:getcontentlength>28</d:getcontentlength><d:getcontenttype>image/png</d:getcontenttype><oc:fileid>6</oc:fileid>
</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
</d:multistatus>`;

describe('parsing a multistatus', () => {
  it('reads a Nextcloud answer, taking properties from the 200 propstat only', () => {
    const entries = parseMultistatus(NEXTCLOUD, 'admin', '/capture');
    expect(entries).toHaveLength(2);
    const [folder, file] = entries;
    expect(folder).toMatchObject({
      path: '/capture',
      name: 'capture',
      isFolder: true,
      size: 31477760, // oc:size; its getcontentlength is in the 404 propstat
      etag: '"6b0c663adf4ac"',
      fileId: '1209',
      permissions: 'RGDNVCK',
      lastModified: Date.UTC(2026, 10, 29, 17, 51, 54),
      quotaUsed: null,
      quotaAvailable: null,
    });
    expect(file).toMatchObject({
      href: '/remote.php/dav/files/admin/capture/cap30.bin',
      path: '/capture/cap30.bin',
      name: 'cap30.bin',
      isFolder: false,
      size: 31457280,
      fileId: '1213',
      permissions: 'RGDNVW',
      contentType: null,
    });
    const listing = toListing(entries, '/capture');
    expect(listing.folder.name).toBe('capture');
    expect(listing.children.map((e) => e.name)).toEqual(['cap30.bin']);
  });

  it('reads share types and the owner of a share received', () => {
    const xml = `<d:multistatus xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:response><d:href>/remote.php/dav/files/bob/Docs/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype><oc:permissions>SGDNV</oc:permissions><oc:share-types><oc:share-type>0</oc:share-type><oc:share-type>3</oc:share-type><oc:share-type>0</oc:share-type></oc:share-types><oc:owner-id>alice</oc:owner-id><oc:owner-display-name>Alice Martin</oc:owner-display-name></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>`;
    const [e] = parseMultistatus(xml, 'bob');
    expect(e).toMatchObject({ path: '/Docs', permissions: 'SGDNV', shareTypes: [0, 3], ownerId: 'alice', ownerName: 'Alice Martin' });
    expect(parseMultistatus(NEXTCLOUD, 'admin', '/capture')[0].shareTypes).toEqual([]);
  });

  it('decodes names byte for byte: spaces, accents (NFC and NFD apart), emoji, % and #', () => {
    const entries = parseMultistatus(ATRIUM_ROOT, 'camille.d@example.com', '/');
    expect(entries.map((e) => e.path)).toEqual(['/', '/Rapports 2026', '/bilan-été.txt', `/${NFC}`, `/${NFD}`, '/🎉 fête 100% #1.png']);
    expect(entries[3].name).not.toBe(entries[4].name);
    expect([entries[3].name.length, entries[4].name.length]).toEqual([7, 9]);
    expect(entries[1]).toMatchObject({ isFolder: true, size: 5242880, name: 'Rapports 2026' });
    expect(entries[2]).toMatchObject({ isFolder: false, size: 12, contentType: 'text/plain', lastModified: Date.UTC(2024, 2, 7, 9, 15, 30) });
    expect(entries[5]).toMatchObject({ name: '🎉 fête 100% #1.png', size: 28, contentType: 'image/png', lastModified: null });
  });

  it('reads the quota on the root, and treats a negative available as no limit', () => {
    const [root] = parseMultistatus(ATRIUM_ROOT, 'camille.d@example.com');
    expect(root).toMatchObject({ path: '/', name: '', quotaUsed: 5242922, quotaAvailable: 10732175318 });
    expect(quotaOf(root)).toEqual({ used: 5242922, available: 10732175318 });
    expect(quotaOf({ ...root, quotaAvailable: -3 })).toEqual({ used: 5242922, available: null });
    expect(quotaOf({ ...root, quotaAvailable: null, quotaUsed: null })).toEqual({ used: 5242922, available: null });
  });

  it('goes by namespaces, not prefixes', () => {
    const xml = `<?xml version="1.0"?>
      <multistatus xmlns="DAV:"><response><href>/remote.php/dav/files/admin/x/</href>
        <propstat><prop><resourcetype><collection/></resourcetype><O:size xmlns:O="http://owncloud.org/ns">7</O:size>
          <size xmlns="urn:other">999</size></prop><status>HTTP/1.1 200 OK</status></propstat></response>
      <D:response xmlns:D="DAV:"><D:href>http://files.example.com:8443/remote.php/dav/files/admin/x/a%3Fb.txt</D:href>
        <D:propstat><D:prop><D:resourcetype/><D:getcontentlength>3</D:getcontentlength>
          <collection xmlns="urn:not-dav"/></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></multistatus>`;
    const [folder, file] = parseMultistatus(xml, 'admin', '/x');
    expect(folder).toMatchObject({ path: '/x', isFolder: true, size: 7 });
    expect(file).toMatchObject({ path: '/x/a?b.txt', name: 'a?b.txt', isFolder: false, size: 3 });
  });

  it('refuses what is not a multistatus', () => {
    expect(() => parseMultistatus('<html><body>Proxy error</body></html>', 'admin')).toThrow(DavError);
    expect(() => parseMultistatus('not xml at all <', 'admin')).toThrow(DavError);
  });
});

describe('paths and hrefs', () => {
  it('encodes each segment with encodeURIComponent; folders end with /', () => {
    expect(davHref('admin', '/')).toBe('/remote.php/dav/files/admin/');
    expect(davHref('admin', '/Rapports 2026', true)).toBe('/remote.php/dav/files/admin/Rapports%202026/');
    expect(davHref('camille.d@example.com', '/a/bilan-été #2 100%.txt')).toBe(
      '/remote.php/dav/files/camille.d%40example.com/a/bilan-%C3%A9t%C3%A9%20%232%20100%25.txt',
    );
    // NFD stays NFD: e + combining acute, not é.
    expect(davHref('a', '/' + NFD)).toContain('E%CC%81');
  });

  it('reads hrefs back, with or without scheme and host, and knows when they are elsewhere', () => {
    expect(pathOfHref('/remote.php/dav/files/admin/', 'admin')).toBe('/');
    expect(pathOfHref('https://h:1/remote.php/dav/files/admin/a%20b/c?x#y', 'admin')).toBe('/a b/c');
    expect(pathOfHref('/proxy/remote.php/dav/files/admin/c', 'admin')).toBe('/c');
    expect(pathOfHref('/remote.php/dav/files/other/x', 'admin')).toBeNull();
    expect(pathOfHref('/remote.php/dav/files/admin/100%', 'admin')).toBe('/100%'); // malformed escape: kept as is
    expect(isSameOrInside('/a/b', '/a')).toBe(true);
    expect(isSameOrInside('/ab', '/a')).toBe(false);
    expect(isSameOrInside('/a', '/')).toBe(true);
  });
});

describe('error bodies', () => {
  const body = (message: string) =>
    `<?xml version="1.0" encoding="utf-8"?>\n<d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns"><s:exception>Sabre\\DAV\\Exception\\InsufficientStorage</s:exception><s:message>${message}</s:message></d:error>\n`;

  it('gives the message and the exception of a Sabre error', () => {
    expect(parseDavError(body('Espace insuffisant : il reste 2 Mo.'))).toEqual({
      exception: 'Sabre\\DAV\\Exception\\InsufficientStorage',
      message: 'Espace insuffisant : il reste 2 Mo.',
    });
  });

  it('reads a precondition element before the exception, a JSON body, and survives garbage', () => {
    const withCondition = `<d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns"><d:lock-token-submitted><d:href>/x</d:href></d:lock-token-submitted><s:exception>Sabre\\DAV\\Exception\\Locked</s:exception><s:message>The file is locked &amp; busy.</s:message></d:error>`;
    expect(parseDavError(withCondition).message).toBe('The file is locked & busy.');
    expect(parseDavError('{"error":"csrf","message":"Missing CSRF token."}')).toEqual({ exception: 'csrf', message: 'Missing CSRF token.' });
    expect(parseDavError('<html>Bad gateway')).toEqual({});
    expect(parseDavError('')).toEqual({});
  });
});

// ---------------------------------------------------------------------------

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(...answers: { status: number; body?: string }[]) {
  const calls: Call[] = [];
  let i = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      const a = answers[Math.min(i++, answers.length - 1)];
      return new Response(a.status === 204 || a.status === 201 ? null : (a.body ?? ''), {
        status: a.status,
        headers: { 'Content-Type': 'application/xml; charset=utf-8' },
      });
    }),
  );
  return calls;
}
const headersOf = (c: Call) => c.init.headers as Record<string, string>;

describe('requests', () => {
  beforeEach(() => {
    vi.stubGlobal('document', { cookie: 'atrium_csrf=tok%2B1' });
  });

  it('lists a folder with PROPFIND Depth 1 and the query layer headers', async () => {
    const calls = fakeFetch({ status: 207, body: ATRIUM_ROOT });
    setRequestLanguage('fr');
    const listing = await listFolder('camille.d@example.com', '/');
    expect(listing.folder.path).toBe('/');
    expect(listing.children).toHaveLength(5);
    const [c] = calls;
    expect(c.init.method).toBe('PROPFIND');
    expect(c.url).toBe('/remote.php/dav/files/camille.d%40example.com/');
    expect(c.init.credentials).toBe('same-origin');
    expect(headersOf(c)).toMatchObject({
      Depth: '1',
      'X-CSRF-Token': 'tok+1',
      'X-Requested-With': 'XMLHttpRequest',
      'Accept-Language': 'fr',
      'Content-Type': 'application/xml; charset=utf-8',
    });
    expect(String(c.init.body)).toContain('<d:quota-available-bytes/>');
  });

  it('reads the quota from the root with Depth 0', async () => {
    const calls = fakeFetch({ status: 207, body: ATRIUM_ROOT });
    expect(await getQuota('camille.d@example.com')).toEqual({ used: 5242922, available: 10732175318 });
    expect(headersOf(calls[0]).Depth).toBe('0');
  });

  it('moves and copies with an absolute-path Destination and Overwrite F unless asked', async () => {
    const calls = fakeFetch({ status: 201 });
    await move('admin', '/Rapports 2026/bilan-été.txt', '/bilan-été.txt');
    await copy('admin', '/A', '/B/A', { folder: true, overwrite: true });
    expect(calls[0].init.method).toBe('MOVE');
    expect(calls[0].url).toBe('/remote.php/dav/files/admin/Rapports%202026/bilan-%C3%A9t%C3%A9.txt');
    expect(headersOf(calls[0])).toMatchObject({ Destination: '/remote.php/dav/files/admin/bilan-%C3%A9t%C3%A9.txt', Overwrite: 'F', 'X-CSRF-Token': 'tok+1' });
    expect(calls[1].init.method).toBe('COPY');
    expect(calls[1].url).toBe('/remote.php/dav/files/admin/A/');
    expect(headersOf(calls[1])).toMatchObject({ Destination: '/remote.php/dav/files/admin/B/A/', Overwrite: 'T' });
  });

  it('turns error bodies into DavError with the server message and a code', async () => {
    fakeFetch({
      status: 412,
      body: '<d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns"><s:exception>Sabre\\DAV\\Exception\\PreconditionFailed</s:exception><s:message>« a.txt » existe déjà.</s:message></d:error>',
    });
    const err = await move('admin', '/b.txt', '/a.txt').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DavError);
    expect(err).toMatchObject({ status: 412, code: 'exists', serverMessage: '« a.txt » existe déjà.', exception: 'Sabre\\DAV\\Exception\\PreconditionFailed' });
  });

  it('maps MKCOL 405 to exists, and DELETE of a folder ends with /', async () => {
    const calls = fakeFetch({ status: 405 }, { status: 204 });
    await expect(mkcol('admin', '/Docs')).rejects.toMatchObject({ code: 'exists', status: 405 });
    await remove('admin', '/Docs', true);
    expect(calls[0].init.method).toBe('MKCOL');
    expect(calls[0].url).toBe('/remote.php/dav/files/admin/Docs/');
    expect(calls[1].init.method).toBe('DELETE');
    expect(calls[1].url).toBe('/remote.php/dav/files/admin/Docs/');
  });

  it('sends the person back to sign-in on 401, and reports a network failure', async () => {
    const onUnauthorized = vi.fn();
    setUnauthorizedHandler(onUnauthorized);
    fakeFetch({ status: 401 });
    await expect(listFolder('admin', '/')).rejects.toMatchObject({ code: 'unauthorized' });
    expect(onUnauthorized).toHaveBeenCalledOnce();
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(listFolder('admin', '/')).rejects.toMatchObject({ code: 'network', status: 0 });
  });
});

// ---------------------------------------------------------------------------

class FakeXhr {
  static last: FakeXhr;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  status = 0;
  responseText = '';
  responseHeaders: Record<string, string> = {};
  body: unknown;
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(k: string, v: string) {
    this.headers[k] = v;
  }
  getResponseHeader(k: string) {
    return this.responseHeaders[k] ?? null;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
  answer(status: number, text = '', headers: Record<string, string> = {}) {
    this.status = status;
    this.responseText = text;
    this.responseHeaders = headers;
    this.onload?.();
  }
}

describe('put', () => {
  beforeEach(() => {
    vi.stubGlobal('document', { cookie: 'atrium_csrf=tok' });
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
  });

  it('uploads with progress, If-None-Match: * for a new file, the mtime and the size', async () => {
    const file = new File(['hello world'], 'bilan-été.txt', { type: 'text/plain', lastModified: 1_700_000_000_500 });
    const progress: number[] = [];
    const h = put('admin', '/Rapports 2026/bilan-été.txt', file, { onProgress: (l) => progress.push(l) });
    const x = FakeXhr.last;
    expect(x.method).toBe('PUT');
    expect(x.url).toBe('/remote.php/dav/files/admin/Rapports%202026/bilan-%C3%A9t%C3%A9.txt');
    expect(x.headers).toMatchObject({
      'If-None-Match': '*',
      'X-OC-Mtime': '1700000000',
      'OC-Total-Length': '11',
      'Content-Type': 'text/plain',
      'X-CSRF-Token': 'tok',
      'X-Requested-With': 'XMLHttpRequest',
    });
    x.upload.onprogress?.({ lengthComputable: true, loaded: 5, total: 11 });
    x.answer(201, '', { ETag: '"e1"', 'OC-FileId': '42' });
    expect(await h.promise).toEqual({ status: 201, etag: '"e1"', fileId: '42' });
    expect(progress).toEqual([5, 11]);
  });

  it('replaces without If-None-Match when asked', () => {
    put('admin', '/a.bin', new Blob([new Uint8Array(3)]), { overwrite: true });
    expect(FakeXhr.last.headers['If-None-Match']).toBeUndefined();
    expect(FakeXhr.last.headers['Content-Type']).toBe('application/octet-stream');
  });

  it('rejects with the server message on 507, and with aborted on abort', async () => {
    const h1 = put('admin', '/big.iso', new Blob(['x']));
    FakeXhr.last.answer(
      507,
      '<d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns"><s:exception>Sabre\\DAV\\Exception\\InsufficientStorage</s:exception><s:message>Not enough space.</s:message></d:error>',
    );
    await expect(h1.promise).rejects.toMatchObject({ code: 'quota-exceeded', status: 507, serverMessage: 'Not enough space.' });

    const h2 = put('admin', '/b.txt', new Blob(['x']));
    h2.abort();
    await expect(h2.promise).rejects.toMatchObject({ code: 'aborted' });
  });
});
