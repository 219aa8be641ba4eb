// What the Phone app says outside its own page: whether the person has an extension (the
// navigation entry shows only then) and their missed calls not looked at yet (its badge),
// kept fresh by `voip.history.changed` events on the tab's one WebSocket.
import { invalidate, useQuery } from '../../api/client';
import type { MyCallPage, MyPhone } from '../../api/phone';
import { useRealtime } from '../../api/realtime';

export const MY_PHONE = '/me/phone';
/** The smallest page: only its `missed` count is read. */
export const MISSED_PATH = '/me/phone/calls?limit=1';

export function usePhoneWatch(): { hasPhone: boolean; missed: number } {
  const phone = useQuery<MyPhone>(MY_PHONE);
  const hasPhone = !!phone.data?.extension;
  const calls = useQuery<MyCallPage>(hasPhone ? MISSED_PATH : null);
  useRealtime((e) => {
    if (e.type === 'voip.history.changed' || e.type === 'caught-up') invalidate('/me/phone/calls');
  });
  return { hasPhone, missed: hasPhone ? (calls.data?.missed ?? 0) : 0 };
}
