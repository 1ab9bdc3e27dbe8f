// Hash routes (#/rules/3): the server only has to serve index.html, and
// the back button works between screens.

export type Route =
  | { screen: 'rules' }
  | { screen: 'rule'; index: number }
  | { screen: 'out-of-office' | 'forwarding' | 'senders' | 'spam' | 'preview' | 'text' | 'import' | 'learning' | 'try' }
  | { screen: 'admin'; tab: string };

const SIMPLE = new Set(['out-of-office', 'forwarding', 'senders', 'spam', 'preview', 'text', 'import', 'learning', 'try']);

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [head, arg] = parts;
  if (head === 'rules' && arg !== undefined && /^\d+$/.test(arg)) return { screen: 'rule', index: Number(arg) };
  if (head && SIMPLE.has(head)) return { screen: head as 'senders' };
  if (head === 'admin') return { screen: 'admin', tab: arg ?? 'defaults' };
  return { screen: 'rules' };
}

export function go(path: string): void {
  if (location.hash !== `#${path}`) location.hash = path;
}
