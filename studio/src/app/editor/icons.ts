// A small glyph per lucide icon name the catalogue uses; unknown names fall back to the category's.
const BY_CATEGORY: Record<string, string> = { trigger: '⚡', message: '✉', logic: '⋔', wait: '⏱', action: '⚙', flow: '⚑' };
const BY_ICON: Record<string, string> = {
  tags: '🏷',
  tag: '🏷',
  clock: '⏱',
  timer: '⏱',
  split: '⋔',
  'git-branch': '⋔',
  'message-square': '✉',
  send: '✉',
  flag: '⚑',
  target: '◎',
  globe: '🌐',
  webhook: '⇄',
  star: '★',
  user: '👤',
};

export function iconFor(icon: string, category: string): string {
  return BY_ICON[icon] ?? BY_CATEGORY[category] ?? '•';
}
