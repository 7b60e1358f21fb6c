/** A small LRU cache bounded by entry count and by a caller-supplied weight (bytes). */
export class LruCache<K, V> {
  readonly #map = new Map<K, { value: V; weight: number }>();
  #weight = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxWeight: number = Number.POSITIVE_INFINITY,
  ) {}

  get(key: K): V | undefined {
    const hit = this.#map.get(key);
    if (!hit) return undefined;
    this.#map.delete(key);
    this.#map.set(key, hit);
    return hit.value;
  }

  set(key: K, value: V, weight = 1): void {
    const prior = this.#map.get(key);
    if (prior) {
      this.#weight -= prior.weight;
      this.#map.delete(key);
    }
    if (weight > this.maxWeight || this.maxEntries <= 0) return;
    this.#map.set(key, { value, weight });
    this.#weight += weight;
    for (const [k, v] of this.#map) {
      if (this.#map.size <= this.maxEntries && this.#weight <= this.maxWeight) break;
      this.#map.delete(k);
      this.#weight -= v.weight;
    }
  }

  clear(): void {
    this.#map.clear();
    this.#weight = 0;
  }

  get size(): number {
    return this.#map.size;
  }
}
