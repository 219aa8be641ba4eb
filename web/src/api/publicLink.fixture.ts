// A link as GET /api/v1/public/{token} describes it, for the tests of the public page.
import type { PublicLinkInfo } from './publicLink';

export const linkInfo = (over: Partial<PublicLinkInfo> = {}): PublicLinkInfo => ({
  token: 'Tok_en-1',
  instanceName: 'Cabinet Martin',
  logoUrl: null,
  name: 'Dossier 2026',
  type: 'folder',
  size: 10,
  mtime: 1_700_000_000,
  mimetype: 'httpd/unix-directory',
  owner: 'Alice Martin',
  permissions: 1,
  fileDrop: false,
  hideDownload: false,
  expiration: null,
  note: null,
  label: null,
  hasPreview: false,
  entries: [],
  ...over,
});
