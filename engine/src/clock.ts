// The engine's only source of time. Timers, "now" in node runs and the dispatcher's retry back-off all
// go through a Clock, so tests fast-forward a ManualClock instead of sleeping, and the simulator runs a
// journey of days in milliseconds.

export interface Clock {
  now(): number;
  /** Calls `callback` once `ms` have passed on this clock. */
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

export interface ClockTimer {
  readonly id: number;
}

/** Node's max setTimeout delay; longer waits re-arm when they wake early. */
const MAX_DELAY = 2_147_483_647;

/** Wall-clock time with real timers. */
export class SystemClock implements Clock {
  readonly #handles = new Map<number, NodeJS.Timeout>();
  #next = 1;
  now(): number {
    return Date.now();
  }
  setTimeout(callback: () => void, ms: number): ClockTimer {
    const id = this.#next++;
    const handle = setTimeout(
      () => {
        this.#handles.delete(id);
        callback();
      },
      Math.max(0, Math.min(ms, MAX_DELAY)),
    );
    handle.unref?.();
    this.#handles.set(id, handle);
    return { id };
  }
  clearTimeout(timer: ClockTimer): void {
    const handle = this.#handles.get(timer.id);
    if (handle) clearTimeout(handle);
    this.#handles.delete(timer.id);
  }
}

/**
 * Time that runs `factor` times faster than the wall clock from `origin` on: `now = origin + (Date.now() −
 * origin) × factor`. Monotonic across process restarts when every process is given the same origin, which
 * is what the crash test needs (minutes of journey waits in a few hundred milliseconds).
 */
export class ScaledClock implements Clock {
  readonly #inner = new SystemClock();
  constructor(
    readonly origin: number,
    readonly factor: number,
  ) {}
  now(): number {
    return this.origin + (Date.now() - this.origin) * this.factor;
  }
  setTimeout(callback: () => void, ms: number): ClockTimer {
    return this.#inner.setTimeout(callback, Math.ceil(ms / this.factor));
  }
  clearTimeout(timer: ClockTimer): void {
    this.#inner.clearTimeout(timer);
  }
}

/** A clock that only moves when told to: tests and the simulator. */
export class ManualClock implements Clock {
  #now: number;
  #next = 1;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  constructor(start: Date | number = Date.UTC(2025, 0, 1)) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }
  now(): number {
    return this.#now;
  }
  setTimeout(callback: () => void, ms: number): ClockTimer {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), callback });
    return { id };
  }
  clearTimeout(timer: ClockTimer): void {
    this.#timers.delete(timer.id);
  }
  /** When the earliest pending timer fires, if any. */
  nextTimerAt(): number | undefined {
    let min: number | undefined;
    for (const t of this.#timers.values()) if (min === undefined || t.at < min) min = t.at;
    return min;
  }
  /** Moves time forward and fires every timer that came due, in due order. */
  advance(ms: number): void {
    this.set(this.#now + ms);
  }
  set(to: Date | number): void {
    const target = typeof to === 'number' ? to : to.getTime();
    for (;;) {
      let due: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.#timers) if (entry[1].at <= target && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.#timers.delete(due[0]);
      this.#now = Math.max(this.#now, due[1].at);
      due[1].callback();
    }
    this.#now = Math.max(this.#now, target);
  }
}
