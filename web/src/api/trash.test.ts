import { DOMParser as XmlDomParser } from '@xmldom/xmldom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { locationFolder, locationPath, parseTrash, parseVersions, trashItemUrl, versionUrl } from './trash';

beforeEach(() => {
  vi.stubGlobal('DOMParser', XmlDomParser);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const TRASH = `<?xml version="1.0" encoding="utf-8"?>
<d:multistatus xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns">
  <d:response>
    <d:href>/remote.php/dav/trashbin/admin/trash/</d:href>
    <d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
  </d:response>
  <d:response>
    <d:href>/remote.php/dav/trashbin/admin/trash/bilan%20%C3%A9t%C3%A9.txt.d1767225600</d:href>
    <d:propstat><d:prop>
      <d:resourcetype/>
      <d:getcontentlength>42</d:getcontentlength>
      <oc:size>42</oc:size>
      <oc:fileid>17</oc:fileid>
      <nc:trashbin-filename>bilan été.txt</nc:trashbin-filename>
      <nc:trashbin-original-location>Rapports 2026/bilan été.txt</nc:trashbin-original-location>
      <nc:trashbin-deletion-time>1767225600</nc:trashbin-deletion-time>
    </d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
  </d:response>
  <d:response>
    <d:href>https://example.org/remote.php/dav/trashbin/admin/trash/Old.d1767225601/</d:href>
    <d:propstat><d:prop>
      <d:resourcetype><d:collection/></d:resourcetype>
      <oc:size>1000</oc:size>
      <nc:trashbin-filename>Old</nc:trashbin-filename>
      <nc:trashbin-original-location>Old</nc:trashbin-original-location>
      <nc:trashbin-deletion-time>1767225601</nc:trashbin-deletion-time>
    </d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
    <d:propstat><d:prop><d:getcontentlength/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>
  </d:response>
</d:multistatus>`;

const VERSIONS = `<?xml version="1.0" encoding="utf-8"?>
<d:multistatus xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns">
  <d:response>
    <d:href>/remote.php/dav/versions/admin/versions/17/</d:href>
    <d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
  </d:response>
  <d:response>
    <d:href>/remote.php/dav/versions/admin/versions/17/3</d:href>
    <d:propstat><d:prop>
      <d:resourcetype/>
      <d:getcontentlength>10</d:getcontentlength>
      <d:getlastmodified>Thu, 01 Jan 2026 00:00:00 GMT</d:getlastmodified>
      <d:getetag>"abc"</d:getetag>
      <d:getcontenttype>text/plain</d:getcontenttype>
    </d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
  </d:response>
  <d:response>
    <d:href>/remote.php/dav/versions/admin/versions/17/5</d:href>
    <d:propstat><d:prop>
      <d:resourcetype/>
      <oc:size>20</oc:size>
      <d:getlastmodified>Fri, 02 Jan 2026 00:00:00 GMT</d:getlastmodified>
    </d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
  </d:response>
</d:multistatus>`;

describe('parseTrash', () => {
  it('reads the items and leaves out the trash folder', () => {
    const items = parseTrash(TRASH);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      itemName: 'bilan été.txt.d1767225600',
      name: 'bilan été.txt',
      originalLocation: '/Rapports 2026/bilan été.txt',
      deletedAt: 1767225600000,
      isFolder: false,
      size: 42,
      fileId: '17',
    });
    expect(items[1]).toMatchObject({ itemName: 'Old.d1767225601', name: 'Old', originalLocation: '/Old', isFolder: true, size: 1000, fileId: null });
  });

  it('copes with missing properties and an empty trash', () => {
    const bare = TRASH.replace(/<nc:trashbin-filename>bilan été.txt<\/nc:trashbin-filename>/, '').replace(/<nc:trashbin-deletion-time>1767225600<\/nc:trashbin-deletion-time>/, '');
    expect(parseTrash(bare)[0]).toMatchObject({ name: 'bilan été.txt', deletedAt: null });
    expect(parseTrash('<d:multistatus xmlns:d="DAV:"/>')).toEqual([]);
  });

  it('refuses what is not a multistatus', () => {
    expect(() => parseTrash('<html/>')).toThrow();
    expect(() => parseTrash('not xml <')).toThrow();
  });
});

describe('parseVersions', () => {
  it('reads the versions, newest first, without the folder', () => {
    const v = parseVersions(VERSIONS);
    expect(v.map((x) => x.id)).toEqual(['5', '3']);
    expect(v[0]).toMatchObject({ size: 20, lastModified: Date.UTC(2026, 0, 2), etag: null });
    expect(v[1]).toMatchObject({ size: 10, lastModified: Date.UTC(2026, 0, 1), etag: '"abc"', contentType: 'text/plain' });
  });
  it('gives nothing for a file without versions', () => {
    const only = VERSIONS.replace(/<d:response>\s*<d:href>[^<]*\/17\/[35]<\/d:href>[\s\S]*?<\/d:response>/g, '');
    expect(parseVersions(only)).toEqual([]);
  });
});

describe('paths and URLs', () => {
  it('turns locations into paths', () => {
    expect(locationPath('a/b c.txt')).toBe('/a/b c.txt');
    expect(locationFolder('/a/b c.txt')).toBe('/a');
    expect(locationFolder('/x.txt')).toBe('/');
  });
  it('encodes names', () => {
    expect(trashItemUrl('admin', 'a #1.txt.d5')).toBe('/remote.php/dav/trashbin/admin/trash/a%20%231.txt.d5');
    expect(versionUrl('admin', '17', '3')).toBe('/remote.php/dav/versions/admin/versions/17/3');
  });
});
