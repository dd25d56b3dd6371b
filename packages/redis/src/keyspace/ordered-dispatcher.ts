/** A FIFO queue with O(1) push and shift. */
class Queue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  peek(): T | undefined {
    return this.#items[this.#head];
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}

/** A binary min-heap of keys by the arrival number of their next item. */
class ReadyHeap {
  readonly #entries: { seq: number; key: string }[] = [];

  get length(): number {
    return this.#entries.length;
  }

  push(seq: number, key: string): void {
    const entries = this.#entries;
    entries.push({ seq, key });
    let index = entries.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const up = entries[parent];
      const here = entries[index];
      if (up === undefined || here === undefined || up.seq <= here.seq) break;
      entries[parent] = here;
      entries[index] = up;
      index = parent;
    }
  }

  pop(): string | undefined {
    const entries = this.#entries;
    const top = entries[0];
    const last = entries.pop();
    if (top === undefined || last === undefined) return undefined;
    if (entries.length === 0) return top.key;
    entries[0] = last;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if ((entries[left]?.seq ?? Infinity) < (entries[smallest]?.seq ?? Infinity)) smallest = left;
      if ((entries[right]?.seq ?? Infinity) < (entries[smallest]?.seq ?? Infinity)) smallest = right;
      if (smallest === index) break;
      const a = entries[index];
      const b = entries[smallest];
      if (a === undefined || b === undefined) break;
      entries[index] = b;
      entries[smallest] = a;
      index = smallest;
    }
    return top.key;
  }
}

interface Entry<T> {
  readonly seq: number;
  readonly item: T;
}

/** True for a promise (or any thenable). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/**
 * Runs `handle` for queued items, at most `concurrency` at once, in arrival order — except that
 * an item waits until the previous item of the same key has been handled (items of one key run
 * one at a time, in order). With `concurrency: 1` everything runs strictly in arrival order.
 * `handle` may return a promise (the item is done when it settles; a rejection counts as done)
 * or nothing (done at once).
 */
export class OrderedDispatcher<T> {
  readonly #concurrency: number;
  readonly #handle: (item: T) => unknown;
  readonly #perKey = new Map<string, Queue<Entry<T>>>();
  /** Keys whose next item may start (not running, queue not empty), by that item's arrival. */
  readonly #ready = new ReadyHeap();
  #seq = 0;
  #running = 0;
  #size = 0;
  #pumping = false;
  #idleWaiters: (() => void)[] = [];

  constructor(concurrency: number, handle: (item: T) => unknown) {
    this.#concurrency = Math.max(1, concurrency);
    this.#handle = handle;
  }

  /** Items queued or running. */
  get size(): number {
    return this.#size;
  }

  /** Items running. */
  get running(): number {
    return this.#running;
  }

  /** Queues `item` behind the other items of `key`. */
  push(key: string, item: T): void {
    this.#size++;
    const entry = { seq: this.#seq++, item };
    let queue = this.#perKey.get(key);
    if (queue === undefined) {
      queue = new Queue<Entry<T>>();
      this.#perKey.set(key, queue);
      this.#ready.push(entry.seq, key);
    }
    queue.push(entry);
    this.#pump();
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.#size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Starts what may start; items handled synchronously are finished in the same loop. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#running < this.#concurrency && this.#ready.length > 0) {
        const key = this.#ready.pop();
        const queue = key === undefined ? undefined : this.#perKey.get(key);
        const entry = queue?.peek();
        if (key === undefined || queue === undefined || entry === undefined) continue;
        this.#running++;
        let result: unknown;
        try {
          result = this.#handle(entry.item);
        } catch {
          result = undefined;
        }
        if (isThenable(result)) {
          const done = (): void => {
            this.#finish(key, queue);
            this.#pump();
          };
          result.then(done, done);
        } else {
          this.#finish(key, queue);
        }
      }
    } finally {
      this.#pumping = false;
    }
    this.#notifyIdle();
  }

  #finish(key: string, queue: Queue<Entry<T>>): void {
    this.#running--;
    this.#size--;
    queue.shift();
    const next = queue.peek();
    if (next !== undefined) this.#ready.push(next.seq, key);
    else if (this.#perKey.get(key) === queue) this.#perKey.delete(key);
  }

  #notifyIdle(): void {
    if (this.#size !== 0 || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
