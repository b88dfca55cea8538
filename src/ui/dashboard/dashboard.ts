import blessed from 'blessed';
import type { BoardCommand, BoardItem, CommandResult } from '../../suggest/boardTypes.js';
import type { MeterMessage, ProfileMessage, StatusMessage } from '../../transport/ws/protocol.js';
import { detailLines, HELP_TEXT, meterLines, proposalLines, scrollTo, statusLine, stereoLines } from './panels.js';
import { esc, fit, num } from './text.js';
import { tonalPlot } from './tonalPlot.js';

/** What the dashboard shows: the latest feed messages and the board's items. */
export interface DashboardData {
  meter: MeterMessage | null;
  profile: ProfileMessage | null;
  items: BoardItem[];
  status: StatusMessage | null;
}

/** Options of a Dashboard. */
export interface DashboardOptions {
  /** The header: what is being listened to, against which references. */
  title: string;
  /** The feed's address, shown on the status line (null: no feed). */
  feed: string | null;
  /** Approve / reject / undo of the selected item (the board's command). */
  onCommand: (cmd: BoardCommand, key: string) => CommandResult;
  /** The user asked to quit (q, Ctrl-C). */
  onQuit: () => void;
  /** Most redraws per second, 1..30 (default 10). */
  maxFps?: number;
}

const FLASH_MS = 4000;

/**
 * The blessed terminal dashboard: loudness meters, the tonal balance over the references'
 * envelope, width and correlation, the ranked proposals (select with arrows or j/k; a approve,
 * r reject, u undo), a status line, help on ?, quit on q. Redraws at most maxFps times a second
 * and on resize; lays itself out for 80x24 and larger (smaller terminals get a clipped view).
 * start() takes the terminal, stop() gives it back as it was.
 */
export class Dashboard {
  private screen: blessed.Widgets.Screen | null = null;
  private boxes: Record<'header' | 'meters' | 'tonal' | 'list' | 'detail' | 'status' | 'help', blessed.Widgets.BoxElement> | null = null;
  private data: DashboardData = { meter: null, profile: null, items: [], status: null };
  private selectedKey: string | null = null;
  private first = 0;
  private flash: { text: string; until: number; ok: boolean } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastDraw = 0;
  private readonly minGapMs: number;
  /** What each box shows now (see set()). */
  private readonly contents = new Map<blessed.Widgets.BoxElement, string>();

  constructor(private readonly o: DashboardOptions) {
    this.minGapMs = 1000 / Math.min(30, Math.max(1, o.maxFps ?? 10));
  }

  /** Takes the terminal and draws the first frame. */
  start(): void {
    const screen = blessed.screen({ smartCSR: true, fullUnicode: true, forceUnicode: true, title: 'ama', warnings: false, autoPadding: false });
    const box = (opts: blessed.Widgets.BoxOptions) => blessed.box({ parent: screen, tags: true, wrap: false, ...opts });
    const framed = { border: { type: 'line' as const }, style: { border: { fg: 'gray' }, label: { fg: 'cyan' } } };
    this.boxes = {
      header: box({ top: 0, left: 0, height: 1, style: { bold: true } }),
      meters: box({ ...framed, label: ' Loudness ' }),
      tonal: box({ ...framed, label: ' Tonal balance vs references, dB ' }),
      list: box({ ...framed, label: ' Proposals: a approve  r reject  u undo ' }),
      detail: box({ height: 2, left: 0 }),
      status: box({ height: 1, left: 0 }),
      help: box({ ...framed, label: ' Help ', hidden: true, top: 'center', left: 'center', style: { bg: 'black', border: { fg: 'cyan' } } }),
    };
    screen.key(['q', 'C-c'], () => this.o.onQuit());
    screen.key(['up', 'k'], () => this.move(-1));
    screen.key(['down', 'j'], () => this.move(1));
    screen.key(['a'], () => this.command('approve'));
    screen.key(['r'], () => this.command('reject'));
    screen.key(['u'], () => this.command('undo'));
    screen.key(['?', 'escape'], (ch: string) => this.toggleHelp(ch === '?' ? undefined : false));
    screen.on('resize', () => this.draw());
    this.screen = screen;
    this.draw();
  }

  /** Takes new data; the screen is redrawn within 1/maxFps s. */
  update(part: Partial<DashboardData>): void {
    Object.assign(this.data, part);
    if (!this.screen || this.timer) return;
    const wait = Math.max(0, this.lastDraw + this.minGapMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.draw();
    }, wait);
  }

  /** Gives the terminal back (cursor, echo, normal screen); safe to call more than once. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const screen = this.screen;
    this.screen = null;
    this.boxes = null;
    this.contents.clear();
    screen?.destroy();
  }

  private selectedIndex(): number {
    const i = this.data.items.findIndex((it) => it.suggestion.key === this.selectedKey);
    return i >= 0 ? i : Math.min(this.data.items.length - 1, 0);
  }

  private move(delta: number): void {
    const items = this.data.items;
    if (items.length === 0) return;
    const i = Math.max(0, Math.min(items.length - 1, this.selectedIndex() + delta));
    this.selectedKey = items[i].suggestion.key;
    this.draw();
  }

  private command(cmd: BoardCommand): void {
    const item = this.data.items[this.selectedIndex()];
    if (!item) return;
    this.selectedKey = item.suggestion.key;
    const r = this.o.onCommand(cmd, item.suggestion.key);
    const text = r.ok ? `${r.state.toUpperCase()}: ${item.suggestion.key}` : r.message;
    this.flash = { text, until: Date.now() + FLASH_MS, ok: r.ok };
    this.draw();
  }

  private toggleHelp(show?: boolean): void {
    const help = this.boxes?.help;
    if (!help) return;
    if (show ?? help.hidden) help.show();
    else help.hide();
    this.draw();
  }

  /**
   * Sets a box's content only when it changed: blessed parses the tags of every setContent, and most
   * boxes (the tonal plot, the list, the help) change once a second or less while the meters change
   * at 10 Hz, so this keeps the redraw cost to what moved.
   */
  private set(box: blessed.Widgets.BoxElement, content: string): void {
    if (this.contents.get(box) === content) return;
    this.contents.set(box, content);
    box.setContent(content);
  }

  /** Lays out and fills every box for the current terminal size, then renders once. */
  private draw(): void {
    const screen = this.screen, b = this.boxes;
    if (!screen || !b) return;
    this.lastDraw = Date.now();
    const W = Math.max(20, Number(screen.width)), H = Math.max(12, Number(screen.height));
    const { meter, profile, status } = this.data;
    const comparison = profile?.comparison ?? null;
    const topH = Math.max(10, Math.min(14, Math.floor((H - 4) / 2)));
    // The meters need 36 columns; the tonal plot takes the rest (two columns per band from 100 columns on).
    const leftW = Math.max(36, Math.min(Math.floor(W * 0.42), W - 64));
    const t = meter ? meter.t : 0;
    const refs = this.o.title;
    this.set(b.header, esc(fit(` ama  ${refs}`, Math.max(0, W - 22)) + `t ${num(t, 1).padStart(7)} s  ${profile ? `win ${profile.window.sec} s` : ''}`));
    b.header.width = W;
    Object.assign(b.meters, { top: 1, left: 0, width: leftW, height: topH });
    const mw = leftW - 2;
    const mLines = meterLines(meter?.loudness ?? null, comparison, mw);
    const sLines = stereoLines(profile?.window.profile ?? null, comparison, mw);
    this.set(b.meters, [...mLines, ...sLines].join('\n'));
    Object.assign(b.tonal, { top: 1, left: leftW, width: W - leftW, height: topH });
    const plotRows = topH - 3;
    this.set(b.tonal, comparison ? tonalPlot(comparison.tonal, W - leftW - 2, plotRows).join('\n') : esc('Waiting for the first comparison...'));
    const listTop = 1 + topH;
    const listH = Math.max(3, H - listTop - 3);
    Object.assign(b.list, { top: listTop, left: 0, width: W, height: listH });
    const items = this.data.items;
    const sel = this.selectedIndex();
    if (items[sel]) this.selectedKey = items[sel].suggestion.key;
    const rows = listH - 2;
    this.first = scrollTo(sel, this.first, rows, items.length);
    this.set(b.list, proposalLines(items, sel, this.first, rows, W - 2).join('\n'));
    Object.assign(b.detail, { top: listTop + listH, width: W });
    const flash = this.flash && this.flash.until > Date.now() ? this.flash : null;
    const detail = detailLines(items[sel], W - 1, flash ? 1 : 2);
    if (flash) detail.unshift(`{${flash.ok ? 'cyan' : 'red'}-fg}${esc(fit(flash.text, W - 1).trimEnd())}{/${flash.ok ? 'cyan' : 'red'}-fg}`);
    this.set(b.detail, detail.join('\n'));
    Object.assign(b.status, { top: H - 1, width: W });
    this.set(b.status, statusLine(status, this.o.feed, W - 1));
    Object.assign(b.help, { width: Math.min(W - 2, 90), height: Math.min(H - 2, HELP_TEXT.length + 2) });
    this.set(b.help, HELP_TEXT.map((l) => esc(fit(l, Math.min(W - 4, 88)).trimEnd())).join('\n'));
    screen.render();
  }
}
