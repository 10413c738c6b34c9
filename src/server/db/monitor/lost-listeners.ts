/**
 * Who waits to hear that a node was found unreachable: reads in flight on it, which then need not wait
 * for their own query timeout. Each listener hears once, the first time after it started listening.
 */
export class LostListeners {
  private readonly listeners = new Map<string, Set<(error: unknown) => void>>();

  /** Settles with the error when `name` is next told lost. `cancel` when done. */
  whenLost(name: string): { lost: Promise<unknown>; cancel: () => void } {
    const listeners = this.listeners.get(name) ?? new Set();
    this.listeners.set(name, listeners);
    let cancel = () => {};
    const lost = new Promise<unknown>((resolve) => {
      listeners.add(resolve);
      cancel = () => listeners.delete(resolve);
    });
    return { lost, cancel };
  }

  tell(name: string, error: unknown): void {
    for (const listener of this.listeners.get(name) ?? []) listener(error);
    this.listeners.get(name)?.clear();
  }

  /** The node left: nobody is told of it any more. */
  forget(name: string): void {
    this.listeners.delete(name);
  }
}
