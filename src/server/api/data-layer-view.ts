/**
 * The data layer as one request sees it, with some methods replaced (an idempotent `write`, a `read` that
 * remembers who served it). Everything else is the data layer's own, bound to it, so its state (round
 * robin, counters, the monitor) stays in the one shared object.
 */
import type { DataLayer } from "~/server/db/data-layer";

export function dataLayerView(db: DataLayer, overrides: Partial<Pick<DataLayer, "read" | "write">>): DataLayer {
  return new Proxy(db, {
    get(target, property) {
      const override = overrides[property as keyof typeof overrides];
      if (override) return override;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
