// Sending files in a conversation: each file is stored first in the sender's Talk folder
// (POST …/files, with upload progress), then posted as a message carrying it; the text typed
// goes with the first file. A refusal (virus 415, quota 507, not a member 403) stops that file
// before anything is posted.
import type { ApiError } from '../../api/client';
import { toApiError } from '../../api/client';
import type { chatApi, Message } from '../../api/chat';

export type SendingStatus = 'uploading' | 'failed';

/** One file on its way, as the composer shows it under the text box. */
export interface Sending {
  key: number;
  name: string;
  size: number;
  loaded: number;
  status: SendingStatus;
  error: ApiError | null;
}

type Api = Pick<typeof chatApi, 'upload' | 'send'>;

/** The percentage shown on a progress bar: whole numbers, 0 for an empty file until it is sent. */
export function percent(loaded: number, size: number): number {
  if (size <= 0) return 0;
  return Math.min(100, Math.floor((loaded * 100) / size));
}

/**
 * Sends `files` one after the other into conversation `id`. `onChange` gets the list of
 * files still on their way (the ones that failed stay, with their error); `onSent` each
 * message posted. Resolves once all are done or failed, with whether the text went out
 * (with a file that was sent), so the composer keeps it otherwise.
 */
export async function sendFiles(
  api: Api,
  id: string,
  files: readonly File[],
  text: string,
  replyTo: string | null,
  onChange: (update: (list: Sending[]) => Sending[]) => void,
  onSent: (m: Message) => void,
  nextKey: () => number,
): Promise<boolean> {
  let words = text;
  let reply = replyTo;
  for (const file of files) {
    const key = nextKey();
    const set = (patch: Partial<Sending>) => onChange((list) => list.map((s) => (s.key === key ? { ...s, ...patch } : s)));
    onChange((list) => [...list, { key, name: file.name, size: file.size, loaded: 0, status: 'uploading', error: null }]);
    try {
      const stored = await api.upload(id, file, file.name, (loaded) => set({ loaded }));
      const m = await api.send(id, words, reply, stored.fileId);
      words = '';
      reply = null;
      onChange((list) => list.filter((s) => s.key !== key));
      onSent(m);
    } catch (e) {
      set({ status: 'failed', error: toApiError(e) });
    }
  }
  return words === '';
}
