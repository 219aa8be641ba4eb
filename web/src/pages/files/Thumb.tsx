// The picture at the start of a file's row: its thumbnail when the server makes
// one (nc:has-preview), else the icon of a file or folder. A thumbnail that
// fails to load (too large, unreadable) falls back to the icon.
import { useState } from 'react';
import { previewUrl } from '../../api/dav';
import { Icon } from '../../components/Icon';

/** Thumbnails are asked at twice their displayed size, for sharp pictures on dense screens. */
const THUMB_PIXELS = 64;

export function Thumb({ fileId, etag, isFolder, hasPreview }: { fileId: string | null; etag: string | null; isFolder: boolean; hasPreview: boolean }) {
  const [failed, setFailed] = useState(false);
  if (hasPreview && fileId && !failed) {
    return (
      <span className="files-icon files-thumb">
        <img src={previewUrl(fileId, etag, THUMB_PIXELS)} alt="" width={32} height={32} loading="lazy" onError={() => setFailed(true)} data-testid="file-thumb" />
      </span>
    );
  }
  return (
    <span className={`files-icon ${isFolder ? 'files-icon-folder' : ''}`}>
      <Icon name={isFolder ? 'folder' : 'file'} size={20} />
    </span>
  );
}
