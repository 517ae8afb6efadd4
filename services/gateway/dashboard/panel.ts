import { Code, ConnectError } from '@connectrpc/connect';

/** Text made safe to put in HTML. */
export const escaped = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

export const formatted = (value: number | bigint) => Number(value).toLocaleString('en-US');

/** Horizontal bars, longest first as given: label, value, and a note after the figure. */
export function bars(rows: Array<{ label: string; value: number; note?: string }>): string {
  const max = Math.max(1, ...rows.map((row) => row.value));
  return rows
    .map(
      (row) =>
        `<div class="bar"><span>${escaped(row.label)}</span><div style="width:${(100 * row.value) / max}%"></div>` +
        `<span>${formatted(row.value)}${row.note ? ` ${escaped(row.note)}` : ''}</span></div>`,
    )
    .join('');
}

/** One panel of the page: what it shows, or why it cannot show it now. */
export class Panel {
  private readonly body: HTMLElement;

  constructor(readonly id: string) {
    this.body = document.querySelector<HTMLElement>(`#${id} .body`)!;
  }

  show(html: string): void {
    this.body.innerHTML = html;
    this.body.dataset.state = 'shown';
  }

  /** An answer with nothing in it: says so, rather than a blank panel. */
  empty(message: string): void {
    this.body.innerHTML = `<p class="status">${escaped(message)}</p>`;
    this.body.dataset.state = 'empty';
  }

  /** A backend or the gateway that does not answer: says what failed; the panel keeps trying. */
  down(error: unknown): void {
    const failure = ConnectError.from(error);
    const what = failure.code === Code.Unauthenticated || failure.code === Code.PermissionDenied ? 'refused' : 'unavailable';
    this.body.innerHTML = `<p class="status down">${what}: ${escaped(`${Code[failure.code]} — ${failure.rawMessage}`)}; retrying…</p>`;
    this.body.dataset.state = 'down';
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/** Runs `load` every `everyMs` (after the previous one ended) until `signal` aborts; a failure shows on the panel. */
export async function poll(panel: Panel, everyMs: number, load: () => Promise<void>, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      await load();
    } catch (error) {
      if (!signal.aborted) panel.down(error);
    }
    await sleep(everyMs, signal);
  }
}

/** Shows every update of a live feed, opening it again 2 s after it fails, until `signal` aborts. */
export async function follow<T>(
  panel: Panel,
  open: (signal: AbortSignal) => AsyncIterable<T>,
  render: (update: T) => void,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    try {
      for await (const update of open(signal)) render(update);
    } catch (error) {
      if (!signal.aborted) panel.down(error);
    }
    await sleep(2000, signal);
  }
}
