// The emoji offered by the picker, built in (no data fetched at run time), each with
// English and French words to search by.
export interface Emoji {
  e: string;
  en: string;
  fr: string;
}

export const EMOJI: readonly Emoji[] = [
  { e: '👍', en: 'thumbs up yes ok like', fr: 'pouce oui ok aime' },
  { e: '👎', en: 'thumbs down no dislike', fr: 'pouce bas non' },
  { e: '❤️', en: 'heart love red', fr: 'cœur coeur amour rouge' },
  { e: '😄', en: 'smile happy grin', fr: 'sourire content heureux' },
  { e: '😂', en: 'joy laugh tears', fr: 'rire larmes mdr' },
  { e: '🙂', en: 'slight smile', fr: 'léger sourire' },
  { e: '😉', en: 'wink', fr: 'clin œil oeil' },
  { e: '😍', en: 'heart eyes love', fr: 'yeux cœur coeur amoureux' },
  { e: '🤔', en: 'thinking hmm', fr: 'réfléchir pensif hmm' },
  { e: '😮', en: 'surprised wow open mouth', fr: 'surpris étonné bouche' },
  { e: '😢', en: 'cry sad tear', fr: 'pleure triste larme' },
  { e: '😡', en: 'angry mad', fr: 'colère fâché' },
  { e: '😅', en: 'sweat smile relief', fr: 'sueur soulagé' },
  { e: '😎', en: 'cool sunglasses', fr: 'cool lunettes soleil' },
  { e: '🙄', en: 'eye roll', fr: 'yeux au ciel' },
  { e: '😴', en: 'sleep tired', fr: 'dormir fatigué sommeil' },
  { e: '🤝', en: 'handshake deal', fr: 'poignée de main accord' },
  { e: '👏', en: 'clap applause bravo', fr: 'applaudir bravo' },
  { e: '🙏', en: 'pray thanks please', fr: 'merci prière svp' },
  { e: '👋', en: 'wave hello bye', fr: 'salut coucou au revoir main' },
  { e: '💪', en: 'strong muscle', fr: 'fort muscle' },
  { e: '👀', en: 'eyes look', fr: 'yeux regarder' },
  { e: '✅', en: 'check done yes', fr: 'coche fait validé' },
  { e: '❌', en: 'cross no wrong', fr: 'croix non faux' },
  { e: '⚠️', en: 'warning caution', fr: 'attention avertissement' },
  { e: '❓', en: 'question', fr: 'question' },
  { e: '❗', en: 'exclamation important', fr: 'exclamation important' },
  { e: '🎉', en: 'party tada celebrate', fr: 'fête bravo célébrer' },
  { e: '🔥', en: 'fire hot', fr: 'feu chaud' },
  { e: '⭐', en: 'star', fr: 'étoile' },
  { e: '💡', en: 'idea bulb', fr: 'idée ampoule' },
  { e: '🚀', en: 'rocket launch', fr: 'fusée lancement' },
  { e: '☕', en: 'coffee', fr: 'café' },
  { e: '🍕', en: 'pizza food', fr: 'pizza repas' },
  { e: '🎂', en: 'cake birthday', fr: 'gâteau anniversaire' },
  { e: '📅', en: 'calendar date', fr: 'calendrier date' },
  { e: '📎', en: 'paperclip attachment', fr: 'trombone pièce jointe' },
  { e: '📞', en: 'phone call', fr: 'téléphone appel' },
  { e: '💯', en: 'hundred perfect', fr: 'cent parfait' },
  { e: '🤷', en: 'shrug dunno', fr: 'sais pas haussement' },
];

/** Lower case without accents, so "cafe" finds "café" and "coeur" finds "cœur". */
const fold = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/œ/g, 'oe');

/** The emoji whose English or French words start with every word of the query. */
export function searchEmoji(query: string): Emoji[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return [...EMOJI];
  return EMOJI.filter((x) => {
    const names = fold(`${x.en} ${x.fr}`).split(/\s+/);
    return words.every((w) => names.some((n) => n.startsWith(w)));
  });
}
