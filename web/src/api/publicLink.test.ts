import { describe, expect, it } from 'vitest';
import { canUpload, childPath, downloadUrl, pageUrl, publicLinkToken, subPathOf, thumbnailUrl } from './publicLink';
import { linkInfo } from './publicLink.fixture';

describe('the public link page’s addresses', () => {
  it('recognises only /s/{token}', () => {
    expect(publicLinkToken('/s/Tok_en-1')).toBe('Tok_en-1');
    expect(publicLinkToken('/s/Tok_en-1/')).toBe('Tok_en-1');
    expect(publicLinkToken('/s/Tok_en-1/download')).toBeNull();
    expect(publicLinkToken('/s/')).toBeNull();
    expect(publicLinkToken('/files/s/abc')).toBeNull();
  });

  it('reads the subfolder from ?path= and never climbs out with . or ..', () => {
    expect(subPathOf('')).toBe('');
    expect(subPathOf('?path=%2FAnnexes%2F2026%2F')).toBe('Annexes/2026');
    expect(subPathOf('?path=../../etc/./x')).toBe('etc/x');
    expect(childPath('', 'a b')).toBe('a b');
    expect(childPath('Annexes', 'détail.txt')).toBe('Annexes/détail.txt');
  });

  it('builds the page, download and thumbnail addresses with the path encoded', () => {
    expect(pageUrl('tok', '')).toBe('/s/tok');
    expect(pageUrl('tok', 'Été & co/x')).toBe('/s/tok?path=%C3%89t%C3%A9+%26+co%2Fx');
    expect(downloadUrl('tok', '')).toBe('/s/tok/download');
    expect(downloadUrl('tok', 'a b.txt')).toBe('/s/tok/download?path=a+b.txt');
    expect(thumbnailUrl('tok', '', 512)).toBe('/s/tok/preview?x=512&y=512');
  });

  it('offers uploads on file drops and on folders shared with “create” only', () => {
    expect(canUpload(linkInfo({ fileDrop: true, permissions: 4 }))).toBe(true);
    expect(canUpload(linkInfo({ permissions: 15 }))).toBe(true);
    expect(canUpload(linkInfo({ permissions: 1 }))).toBe(false);
    expect(canUpload(linkInfo({ type: 'file', permissions: 5 }))).toBe(false);
  });
});
