import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { attachmentUrls, guestAttachmentUrls, showsAsImage, type Attachment, type Message, type StoredFile } from '../../api/chat';
import { percent, sendFiles, type Sending } from './attachments';

function file(name: string, size: number): File {
  return new File([new Uint8Array(size)], name, { type: 'application/octet-stream' });
}

function stored(name: string, fileId: string): StoredFile {
  return { fileId, name, size: 1, contentType: 'text/plain', preview: false, path: `/Talk/${name}` };
}

/** A fake server: records calls, reports progress in two steps, refuses names in `refuse`. */
function fakeApi(refuse: Record<string, ApiError> = {}) {
  const calls: string[] = [];
  let n = 0;
  return {
    calls,
    api: {
      upload: async (_id: string, body: Blob, name: string, onProgress?: (loaded: number, total: number) => void) => {
        calls.push(`upload ${name}`);
        onProgress?.(Math.floor(body.size / 2), body.size);
        if (refuse[name]) throw refuse[name];
        onProgress?.(body.size, body.size);
        return stored(name, String(100 + ++n));
      },
      send: async (id: string, text: string, replyTo?: string | null, fileId?: string) => {
        calls.push(`send ${JSON.stringify({ text, replyTo: replyTo ?? null, fileId })}`);
        return { id: fileId, conversation: id, text } as unknown as Message;
      },
    },
  };
}

describe('sendFiles', () => {
  it('stores each file then posts it, the text and the reply going with the first only', async () => {
    const { api, calls } = fakeApi();
    let list: Sending[] = [];
    const seen: number[][] = [];
    const sent: Message[] = [];
    let key = 0;
    const textSent = await sendFiles(api, 'c1', [file('a.png', 10), file('b.pdf', 4)], 'Voici', 'r9', (u) => {
      list = u(list);
      seen.push(list.map((s) => s.loaded));
    }, (m) => sent.push(m), () => ++key);
    expect(calls).toEqual([
      'upload a.png',
      'send {"text":"Voici","replyTo":"r9","fileId":"101"}',
      'upload b.pdf',
      'send {"text":"","replyTo":null,"fileId":"102"}',
    ]);
    expect(textSent).toBe(true);
    expect(sent.map((m) => m.id)).toEqual(['101', '102']);
    // Progress went 0 → half → whole for each, and nothing is left on its way.
    expect(seen).toContainEqual([5]);
    expect(seen).toContainEqual([10]);
    expect(list).toEqual([]);
  });

  it('keeps a refused file with its error, posts nothing for it and keeps the text for the next file', async () => {
    const virus = new ApiError(415, { error: 'unsupported-media-type', message: 'The virus scanner found Eicar in eicar.com' });
    const { api, calls } = fakeApi({ 'eicar.com': virus });
    let list: Sending[] = [];
    let key = 0;
    const textSent = await sendFiles(api, 'c1', [file('eicar.com', 68), file('ok.txt', 2)], 'Files', null, (u) => {
      list = u(list);
    }, () => undefined, () => ++key);
    expect(calls).toEqual(['upload eicar.com', 'upload ok.txt', 'send {"text":"Files","replyTo":null,"fileId":"101"}']);
    expect(textSent).toBe(true);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: 'eicar.com', status: 'failed', loaded: 34 });
    expect(list[0].error?.status).toBe(415);
  });

  it('says the text did not go when every file was refused', async () => {
    const full = new ApiError(507, { error: 'quota-exceeded', message: 'quota' });
    const { api } = fakeApi({ 'big.bin': full });
    let list: Sending[] = [];
    expect(await sendFiles(api, 'c', [file('big.bin', 8)], 'keep me', null, (u) => (list = u(list)), () => undefined, () => 1)).toBe(false);
  });
});

describe('attachment display rules', () => {
  const a = (over: Partial<Attachment>): Attachment => ({ fileId: '1', name: 'x', size: 1, contentType: 'image/png', preview: true, ...over });

  it('shows images with a thumbnail inline and anything else (a PDF too) as a card', () => {
    expect(showsAsImage(a({}))).toBe(true);
    expect(showsAsImage(a({ contentType: 'application/pdf' }))).toBe(false);
    expect(showsAsImage(a({ preview: false }))).toBe(false);
  });

  it('rounds progress down and never past 100', () => {
    expect(percent(0, 0)).toBe(0);
    expect(percent(1, 3)).toBe(33);
    expect(percent(5, 4)).toBe(100);
  });

  it('builds the member and guest addresses, ids escaped', () => {
    const m = attachmentUrls('7391051827341312', '7391052234188800');
    expect(m.file).toBe('/api/v1/chat/conversations/7391051827341312/messages/7391052234188800/file');
    expect(m.preview(256)).toBe('/api/v1/chat/conversations/7391051827341312/messages/7391052234188800/preview?x=256&y=256');
    expect(guestAttachmentUrls('a/b').file).toBe('/api/v1/chat/guest/messages/a%2Fb/file');
  });
});
