import { describe, expect, it } from "vitest";
import { lastFreeSlot, percentile, phaseFigures, type TimedOperation } from "../../bench/operationFigures";

const T0 = Date.UTC(2025, 0, 1);
const at = (second: number) => new Date(T0 + second * 1000);

function op(id: string, worker: string, created: number, started: number | null, finished: number | null, extra: Partial<TimedOperation> = {}): TimedOperation {
  return {
    operationId: id,
    tenantId: `t-${id}`,
    state: finished === null ? "running" : "succeeded",
    createdAt: at(created),
    startedAt: started === null ? null : at(started),
    finishedAt: finished === null ? null : at(finished),
    workerId: worker,
    attempt: 1,
    error: null,
    ...extra,
  };
}
type Ran = Parameters<typeof lastFreeSlot>[0];

describe("percentile", () => {
  it("takes the nearest rank", () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 0.5)).toBe(5);
    expect(percentile(values, 0.95)).toBe(10);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });
});

describe("lastFreeSlot", () => {
  it("is the last moment the worker fell below its concurrency before the start", () => {
    // Concurrency 2: a and b run 0–10 and 0–20; c waits for a's slot (free at 10), starts at 11.
    const a = op("a", "w", 0, 0, 10) as Ran;
    const b = op("b", "w", 0, 0, 20) as Ran;
    const c = op("c", "w", 0, 11, 30) as Ran;
    expect(lastFreeSlot(c, [a, b, c], 2)).toBe(at(10).getTime());
  });

  it("is undefined when the worker never ran its concurrency at once before", () => {
    const a = op("a", "w", 0, 0, 10) as Ran;
    const b = op("b", "w", 0, 1, 20) as Ran;
    expect(lastFreeSlot(b, [a, b], 2)).toBeUndefined();
  });

  it("counts a slot freed at the very moment of the start", () => {
    const a = op("a", "w", 0, 0, 10) as Ran;
    const b = op("b", "w", 0, 10, 20) as Ran;
    expect(lastFreeSlot(b, [a, b], 1)).toBe(at(10).getTime());
  });
});

describe("phaseFigures", () => {
  it("measures wall, throughput, the queue's cost, the spread and the failures", () => {
    const operations = [
      op("a", "w1", 0, 1, 31),
      op("b", "w1", 0, 2, 62),
      op("c", "w2", 0, 3, 33),
      // Waited for w1's first slot (free at 31), picked up at 32.
      op("d", "w1", 0, 32, 60, { state: "failed", error: "engine failed: exit 255\nstack trace…" }),
    ];
    const figures = phaseFigures(operations, 2);
    expect(figures.wallMs).toBe(62_000);
    expect(figures.succeeded).toBe(3);
    expect(figures.perMinute).toBeCloseTo(3 / (62 / 60));
    expect([...figures.runMs].sort((x, y) => x - y)).toEqual([28_000, 30_000, 30_000, 60_000]);
    expect(figures.enqueueToStartMs).toEqual([1000, 2000, 3000, 32_000]);
    expect(figures.pickupMs).toEqual([1000, 2000, 3000, 1000]);
    expect(Object.fromEntries(figures.perWorker)).toEqual({ w1: 3, w2: 1 });
    expect(figures.mostAtOnce).toBe(3);
    expect(figures.failures).toEqual([{ tenantId: "t-d", error: "engine failed: exit 255" }]);
  });

  it("reports an operation that never ended as a failure", () => {
    const figures = phaseFigures([op("a", "w1", 0, 1, 5), op("b", "w1", 0, 2, null)], 2);
    expect(figures.failures).toEqual([{ tenantId: "t-b", error: "still running" }]);
    expect(figures.runMs).toEqual([4000]);
  });
});
