// A tiny in-memory imitation of Atrium's WebDAV files endpoint
// (/remote.php/dav/files/{login}/{path}), for working on the Files app and
// trying e2e/files-flow.mjs without the Java server. Development aid only: the
// contract is the server's (RFC 4918 + the Nextcloud properties), and the Java
// server is the truth. Used by stub-server.mjs.
import { randomBytes } from 'node:crypto';

const MOUNT = ['remote.php', 'dav', 'files'];
const UNLIMITED = -3; // what Nextcloud sends as quota-available-bytes without a quota

let nextId = 100;
const etag = () => `"${randomBytes(6).toString('hex')}"`;
const dir = () => ({ type: 'dir', id: nextId++, children: new Map(), mtime: Date.now(), etag: etag() });

const roots = new Map(); // login → root dir
function rootOf(login) {
  if (!roots.has(login)) roots.set(login, dir());
  return roots.get(login);
}

/** Sabre's encoding: letters, digits and - _ . ~ ( ) : @ stay, everything else is %XX. */
function encodeSegment(name) {
  let out = '';
  for (const b of Buffer.from(name, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~():@]/.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}
const hrefOf = (login, segments, isDir) =>
  '/' + [...MOUNT, login, ...segments].map(encodeSegment).join('/') + (isDir || segments.length === 0 ? '/' : '');

const xmlText = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const httpDate = (ms) => new Date(ms).toUTCString();

class DavFail extends Error {
  constructor(status, en, fr) {
    super(en);
    this.status = status;
    this.fr = fr ?? en;
  }
}
const SABRE = { 400: 'BadRequest', 401: 'NotAuthenticated', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 409: 'Conflict', 412: 'PreconditionFailed', 423: 'Locked', 507: 'InsufficientStorage' };

function sendError(res, req, e) {
  const fr = /^fr/i.test(req.headers['accept-language'] ?? '');
  const body = `<?xml version="1.0" encoding="utf-8"?>\n<d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns"><s:exception>Sabre\\DAV\\Exception\\${SABRE[e.status] ?? ''}</s:exception><s:message>${xmlText(fr ? e.fr : e.message)}</s:message></d:error>\n`;
  res.writeHead(e.status, { 'Content-Type': 'application/xml; charset=utf-8' });
  res.end(body);
}

function sizeOf(node) {
  if (node.type === 'file') return node.data.length;
  let n = 0;
  for (const c of node.children.values()) n += sizeOf(c);
  return n;
}

function parseSegments(raw) {
  const segments = [];
  for (const part of raw.split('/')) {
    if (!part) continue;
    let name;
    try {
      name = decodeURIComponent(part);
    } catch {
      throw new DavFail(400, 'The path has an invalid percent escape.', 'Le chemin contient un échappement % invalide.');
    }
    if (name === '.' || name === '..') throw new DavFail(400, 'The path must not contain . or .. segments.', 'Le chemin ne doit pas contenir de segment . ou ...');
    if (name.includes('/') || name.includes('\\')) throw new DavFail(400, 'A name must not contain a slash or a backslash.', 'Un nom ne doit pas contenir de barre oblique.');
    segments.push(name);
  }
  return segments;
}

/** Splits /remote.php/dav/files/{login}/a/b (raw, encoded) into login and names. */
function locate(rawPath) {
  const segments = parseSegments(rawPath);
  if (MOUNT.some((m, i) => segments[i] !== m) || segments.length < 4) return null;
  return { login: segments[3], path: segments.slice(4) };
}

function find(root, path) {
  let node = root;
  for (const name of path) {
    if (node.type !== 'dir') return null;
    node = node.children.get(name);
    if (!node) return null;
  }
  return node;
}

/** New etags and mtimes up the tree, as the real server does for folders. */
function touch(root, path) {
  let node = root;
  node.etag = etag();
  node.mtime = Date.now();
  for (const name of path) {
    node = node.children?.get(name);
    if (!node) return;
    node.etag = etag();
    if (node.type === 'dir') node.mtime = Date.now();
  }
}

function parentOf(root, path) {
  const parent = find(root, path.slice(0, -1));
  if (!parent || parent.type !== 'dir') throw new DavFail(409, 'The parent folder does not exist.', 'Le dossier parent n’existe pas.');
  return parent;
}

function deepCopy(node) {
  if (node.type === 'file') return { ...node, id: nextId++, etag: etag() };
  const d = { ...dir(), mtime: node.mtime };
  for (const [k, v] of node.children) d.children.set(k, deepCopy(v));
  return d;
}

function propsXml(node, { isRoot, quota }) {
  const p = [];
  p.push(node.type === 'dir' ? '<d:resourcetype><d:collection/></d:resourcetype>' : '<d:resourcetype/>');
  if (node.type === 'file') {
    p.push(`<d:getcontentlength>${node.data.length}</d:getcontentlength>`);
    p.push(`<d:getcontenttype>${xmlText(node.contentType)}</d:getcontenttype>`);
  }
  p.push(`<d:getlastmodified>${httpDate(node.mtime)}</d:getlastmodified>`);
  p.push(`<d:getetag>${xmlText(node.etag)}</d:getetag>`);
  p.push(`<oc:fileid>${node.id}</oc:fileid>`);
  p.push(`<oc:size>${sizeOf(node)}</oc:size>`);
  p.push(`<oc:permissions>${node.type === 'dir' ? 'RGDNVCK' : 'RGDNVW'}</oc:permissions>`);
  if (isRoot) {
    const used = sizeOf(node);
    p.push(`<d:quota-used-bytes>${used}</d:quota-used-bytes>`);
    p.push(`<d:quota-available-bytes>${quota === null ? UNLIMITED : Math.max(0, quota - used)}</d:quota-available-bytes>`);
  }
  return `<d:propstat><d:prop>${p.join('')}</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>`;
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks);
}

/**
 * Answers one WebDAV request. `auth(req)` gives {login, csrf, quota} for the
 * session cookie, or null.
 */
export async function handleDav(req, res, auth) {
  try {
    const rawPath = (req.url ?? '/').split('?')[0];
    const who = auth(req);
    if (!who) {
      // With X-Requested-With (the console), no WWW-Authenticate: no browser password dialog.
      const headers = { 'Content-Type': 'application/xml; charset=utf-8' };
      if (!req.headers['x-requested-with']) headers['WWW-Authenticate'] = 'Basic realm="Atrium"';
      res.writeHead(401, headers);
      return res.end('<?xml version="1.0" encoding="utf-8"?>\n<d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns"><s:exception>Sabre\\DAV\\Exception\\NotAuthenticated</s:exception><s:message>Sign in first.</s:message></d:error>\n');
    }
    const method = req.method ?? 'GET';
    if (!['GET', 'HEAD', 'PROPFIND', 'OPTIONS'].includes(method) && req.headers['x-csrf-token'] !== who.csrf) {
      throw new DavFail(403, 'Missing or wrong CSRF token.', 'Jeton CSRF absent ou incorrect.');
    }
    const loc = locate(rawPath);
    if (!loc) throw new DavFail(404, 'Not found.', 'Introuvable.');
    if (loc.login !== who.login) throw new DavFail(403, 'These are not your files.', 'Ce ne sont pas vos fichiers.');
    const root = rootOf(who.login);
    const { path } = loc;
    const node = find(root, path);
    const name = path.at(-1);

    switch (method) {
      case 'OPTIONS':
        res.writeHead(200, { DAV: '1, 3', Allow: 'OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, MKCOL, MOVE, COPY' });
        return res.end();

      case 'PROPFIND': {
        await readBody(req);
        if (!node) throw new DavFail(404, `“${name}” does not exist.`, `« ${name} » n’existe pas.`);
        const depth = req.headers.depth ?? '1';
        const rows = [`<d:response><d:href>${xmlText(hrefOf(who.login, path, node.type === 'dir'))}</d:href>${propsXml(node, { isRoot: path.length === 0, quota: who.quota })}</d:response>`];
        if (depth !== '0' && node.type === 'dir') {
          for (const [childName, child] of node.children) {
            rows.push(`<d:response><d:href>${xmlText(hrefOf(who.login, [...path, childName], child.type === 'dir'))}</d:href>${propsXml(child, { isRoot: false })}</d:response>`);
          }
        }
        res.writeHead(207, { 'Content-Type': 'application/xml; charset=utf-8' });
        return res.end(`<?xml version="1.0" encoding="utf-8"?>\n<d:multistatus xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns" xmlns:s="http://sabredav.org/ns">${rows.join('')}</d:multistatus>\n`);
      }

      case 'GET':
      case 'HEAD': {
        if (!node) throw new DavFail(404, `“${name}” does not exist.`, `« ${name} » n’existe pas.`);
        if (node.type === 'dir') throw new DavFail(405, 'A folder cannot be downloaded.', 'Un dossier ne peut pas être téléchargé.');
        const headers = { 'Content-Type': node.contentType, ETag: node.etag, 'Last-Modified': httpDate(node.mtime), 'Accept-Ranges': 'bytes' };
        const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
        if (range) {
          const start = Number(range[1]);
          const end = range[2] ? Math.min(Number(range[2]), node.data.length - 1) : node.data.length - 1;
          const part = node.data.subarray(start, end + 1);
          res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${node.data.length}`, 'Content-Length': part.length });
          return res.end(method === 'HEAD' ? undefined : part);
        }
        res.writeHead(200, { ...headers, 'Content-Length': node.data.length });
        return res.end(method === 'HEAD' ? undefined : node.data);
      }

      case 'MKCOL': {
        await readBody(req);
        if (path.length === 0 || node) throw new DavFail(405, `“${name ?? '/'}” already exists.`, `« ${name ?? '/'} » existe déjà.`);
        parentOf(root, path).children.set(name, dir());
        touch(root, path.slice(0, -1));
        res.writeHead(201);
        return res.end();
      }

      case 'PUT': {
        if (path.length === 0) throw new DavFail(405, 'Cannot write the root.', 'Impossible d’écrire la racine.');
        const parent = parentOf(root, path);
        if (node?.type === 'dir') throw new DavFail(409, `“${name}” is a folder.`, `« ${name} » est un dossier.`);
        if (node && req.headers['if-none-match'] === '*') {
          await readBody(req);
          throw new DavFail(412, `“${name}” already exists.`, `« ${name} » existe déjà.`);
        }
        const declared = Number(req.headers['oc-total-length'] ?? req.headers['content-length'] ?? 0);
        if (who.quota !== null && sizeOf(root) - (node?.data.length ?? 0) + declared > who.quota) {
          req.resume();
          throw new DavFail(507, `Not enough space for “${name}”.`, `Pas assez d’espace pour « ${name} ».`);
        }
        const data = await readBody(req);
        const mtime = Number(req.headers['x-oc-mtime']);
        const file = { type: 'file', id: node?.id ?? nextId++, data, contentType: req.headers['content-type'] || 'application/octet-stream', etag: etag(), mtime: mtime > 0 ? mtime * 1000 : Date.now() };
        parent.children.set(name, file);
        touch(root, path.slice(0, -1));
        res.writeHead(node ? 204 : 201, { ETag: file.etag, 'OC-FileId': String(file.id), ...(mtime > 0 ? { 'X-OC-MTime': 'accepted' } : {}) });
        return res.end();
      }

      case 'DELETE': {
        if (!node) throw new DavFail(404, `“${name}” does not exist.`, `« ${name} » n’existe pas.`);
        if (path.length === 0) throw new DavFail(403, 'The root cannot be deleted.', 'La racine ne peut pas être supprimée.');
        parentOf(root, path).children.delete(name);
        touch(root, path.slice(0, -1));
        res.writeHead(204);
        return res.end();
      }

      case 'MOVE':
      case 'COPY': {
        if (!node) throw new DavFail(404, `“${name}” does not exist.`, `« ${name} » n’existe pas.`);
        const destHeader = req.headers.destination;
        if (!destHeader) throw new DavFail(400, 'The Destination header is missing.', 'L’en-tête Destination manque.');
        const destRaw = destHeader.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split(/[?#]/)[0];
        const dest = locate(destRaw);
        if (!dest || dest.login !== who.login) throw new DavFail(403, 'The destination is not in your files.', 'La destination n’est pas dans vos fichiers.');
        const to = dest.path;
        if (to.length === 0) throw new DavFail(403, 'Cannot replace the root.', 'Impossible de remplacer la racine.');
        if (node.type === 'dir' && path.every((n, i) => to[i] === n)) {
          throw new DavFail(409, 'A folder cannot go inside itself.', 'Un dossier ne peut pas aller dans lui-même.');
        }
        const destParent = parentOf(root, to);
        const existing = destParent.children.get(to.at(-1));
        const overwrite = (req.headers.overwrite ?? 'T').toUpperCase() !== 'F';
        if (existing && !overwrite) throw new DavFail(412, `“${to.at(-1)}” already exists there.`, `« ${to.at(-1)} » existe déjà à cet endroit.`);
        if (method === 'COPY' && who.quota !== null && sizeOf(root) + sizeOf(node) - (existing ? sizeOf(existing) : 0) > who.quota) {
          throw new DavFail(507, 'Not enough space for the copy.', 'Pas assez d’espace pour la copie.');
        }
        const moved = method === 'MOVE' ? node : deepCopy(node);
        if (method === 'MOVE') {
          parentOf(root, path).children.delete(name);
          touch(root, path.slice(0, -1));
        }
        destParent.children.set(to.at(-1), moved);
        touch(root, to.slice(0, -1));
        res.writeHead(existing ? 204 : 201);
        return res.end();
      }

      default:
        throw new DavFail(405, `${method} is not supported.`, `${method} n’est pas pris en charge.`);
    }
  } catch (e) {
    if (e instanceof DavFail) return sendError(res, req, e);
    console.error(e);
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end('Internal error');
  }
}
