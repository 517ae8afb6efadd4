// The live-ops dashboard (/dashboard), served by the gateway: five panels over @gamepulse/client's Connect transport
// to the same gateway. The match, the area and the window come from the form (and the page's query string); an API
// key, needed when the stack requires keys, is kept in this browser's local storage.
import { createGamepulseClients } from '@gamepulse/client';
import { createWebTransport } from '@gamepulse/client/web';
import { connect4Panel } from './panels/connect4.js';
import { engagementPanel } from './panels/engagement.js';
import { modesPanel } from './panels/modes.js';
import { reactionsPanel } from './panels/reactions.js';
import { sessionsPanel } from './panels/sessions.js';

const KEY_STORAGE = 'gamepulse-api-key';
const form = document.querySelector<HTMLFormElement>('#settings')!;
const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
const query = new URLSearchParams(location.search);
for (const name of ['match', 'area', 'hours']) {
  const value = query.get(name);
  if (value) field(name).value = value;
}
field('key').value = localStorage.getItem(KEY_STORAGE) ?? '';

const apiKey = field('key').value.trim() || undefined;
const clients = createGamepulseClients(createWebTransport({ baseUrl: location.origin, apiKey }));
const whole = new AbortController();

/** Panels that follow one setting start again, on their own, when it changes. */
function restartOnChange(name: string, start: (value: string, signal: AbortSignal) => void): void {
  let current = new AbortController();
  start(field(name).value.trim(), current.signal);
  field(name).addEventListener('change', () => {
    current.abort();
    current = new AbortController();
    start(field(name).value.trim(), current.signal);
  });
}

restartOnChange('match', (matchId, signal) => reactionsPanel(clients, matchId, signal));
restartOnChange('area', (areaCode, signal) => modesPanel(clients, areaCode, signal));
engagementPanel(clients, whole.signal);
sessionsPanel(clients, () => Number(field('hours').value), whole.signal);
connect4Panel(clients, whole.signal);
field('key').addEventListener('change', () => {
  localStorage.setItem(KEY_STORAGE, field('key').value.trim());
  location.reload();
});
form.addEventListener('submit', (event) => event.preventDefault());
