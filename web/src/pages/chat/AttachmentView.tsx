// A message's file: an image as its thumbnail (a click downloads the file), anything else as
// a card with its name, size and a download link. The name is text, never HTML. Used by the
// chat page (member addresses) and the guest page (guest addresses).
import { useState } from 'react';
import { showsAsImage, type Attachment } from '../../api/chat';
import { Icon } from '../../components/Icon';
import { formatBytes } from '../../format';
import { useI18n } from '../../i18n/i18n';

/** Thumbnails are asked at about twice their shown width, for sharp pictures on dense screens. */
const PREVIEW_PIXELS = 512;

export function AttachmentView({ a, urls }: { a: Attachment; urls: { file: string; preview: (size: number) => string } }) {
  const { t, lang } = useI18n();
  const [failed, setFailed] = useState(false);
  const size = formatBytes(a.size, lang);
  if (showsAsImage(a) && !failed) {
    return (
      <a className="chat-attachment chat-attachment-image" href={urls.file} download={a.name} title={t('chat.file.download', { name: a.name })}
        data-testid="chat-attachment" data-kind="image" data-name={a.name}>
        <img src={urls.preview(PREVIEW_PIXELS)} alt={a.name} loading="lazy" onError={() => setFailed(true)} data-testid="chat-attachment-preview" />
      </a>
    );
  }
  return (
    <div className="chat-attachment chat-attachment-card" data-testid="chat-attachment" data-kind="file" data-name={a.name}>
      <Icon name="file" size={22} />
      <span className="chat-attachment-name" data-testid="chat-attachment-name">{a.name}</span>
      <span className="chat-attachment-size muted">{size}</span>
      <a className="btn btn-small" href={urls.file} download={a.name} aria-label={t('chat.file.download', { name: a.name })} data-testid="chat-attachment-download">
        <Icon name="download" size={16} /> {t('chat.file.downloadShort')}
      </a>
    </div>
  );
}
