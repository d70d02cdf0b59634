/**
 * Geometry of perceptron-local stencils (seed 002 L1515-1530, v3 L1742-1757; SEED-INVENTORY §3.13; ADR 0330).
 *
 * An input is an `H x W` grid, flattened row-major (pixel `y * W + x`). Units sit on a strided grid of
 * positions, one unit per position and map (`maps` feature maps). Each unit `u` owns a `(2R+1) x (2R+1)`
 * neighbourhood of offsets `(dy, dx)`, `|dy|, |dx| <= R`, centred on its position: its stencil. The stencil
 * index space is `[units, S]` with `S = (2R+1)²`; offsets are ordered by ring (Chebyshev distance from the
 * centre), so offset 0 is the centre and ring `r` holds offsets `[(2r-1)², (2r+1)²)`. Cell `(u, o)` of that
 * space is the global mask cell `(pixel(u, o), u)` of the `[H·W, units]` linear map; offsets that fall outside
 * the grid have no pixel (zero padding) and can never be Hot.
 *
 * Clones (clone-and-halve, seed L1560; ADR 0332): after the `maps · positionsY · positionsX` grid units come
 * `clones.length` extra units, clone `i` sitting at the position and map of grid unit `clones[i]`, with the
 * same offsets and pixels: a clone has its source's stencil geometry.
 */

/** A direction of an arm: one of the 8 rays from the centre. */
export type ArmDirection = readonly [dy: number, dx: number];

/** The 8 arm directions (N, NE, E, SE, S, SW, W, NW). */
export const ARM_DIRECTIONS: readonly ArmDirection[] = [
  [-1, 0],
  [-1, 1],
  [0, 1],
  [1, 1],
  [1, 0],
  [1, -1],
  [0, -1],
  [-1, -1],
];

/** Options of {@link StencilGeometry}. */
export interface StencilGeometryOptions {
  /** Grid height `H`. */
  readonly height: number;
  /** Grid width `W`. */
  readonly width: number;
  /** Largest stencil radius `R` (a stencil grows up to `(2R+1) x (2R+1)`). */
  readonly radius: number;
  /** Spacing of unit positions on the grid (default 1: a unit at every pixel). */
  readonly stride?: number;
  /** First unit position on each axis (default `floor((stride - 1) / 2)`). */
  readonly start?: number;
  /** Units per position (feature maps; default 1). */
  readonly maps?: number;
  /** Extra units after the grid units: each the grid unit whose position and map it shares (default none). */
  readonly clones?: readonly number[];
}

/**
 * The fixed geometry of a stencil layer: unit positions, offsets by ring and the cell → pixel map.
 *
 * @example
 * ```ts
 * const g = new StencilGeometry({ height: 5, width: 5, radius: 1 });   // 25 units, S = 9
 * g.pixelOf(0, 0);            // 0: unit 0's centre is pixel (0, 0)
 * g.pixelOf(0, g.offsetIndex(-1, 0));   // -1: above the grid (zero padding)
 * g.ringOf(4);                // 1
 * ```
 */
export class StencilGeometry {
  readonly height: number;
  readonly width: number;
  readonly radius: number;
  readonly stride: number;
  readonly start: number;
  readonly maps: number;
  /** Unit positions per axis. */
  readonly positionsY: number;
  readonly positionsX: number;
  /** `maps · positionsY · positionsX`: the units on the grid. */
  readonly gridUnits: number;
  /** `gridUnits + clones.length`. */
  readonly units: number;
  /** The grid unit each clone copies (clone `i` is unit `gridUnits + i`). */
  readonly clones: readonly number[];
  /** `S = (2R+1)²` offsets per stencil. */
  readonly offsets: number;
  private readonly offsetList: readonly (readonly [number, number])[];
  private readonly offsetIndexMap: Map<string, number>;
  private readonly pixels: Int32Array;

  /** @throws Error naming the field when a size is not a positive integer or no unit fits the grid. */
  constructor(options: StencilGeometryOptions) {
    const stride = options.stride ?? 1;
    const start = options.start ?? Math.floor((stride - 1) / 2);
    const maps = options.maps ?? 1;
    for (const [name, value, min] of [
      ["height", options.height, 1],
      ["width", options.width, 1],
      ["radius", options.radius, 0],
      ["stride", stride, 1],
      ["start", start, 0],
      ["maps", maps, 1],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < min) throw new Error(`Error in StencilGeometry: ${name} must be an integer >= ${min}, got ${value}.`);
    }
    if (start >= options.height || start >= options.width) throw new Error(`Error in StencilGeometry: start ${start} is outside the ${options.height}x${options.width} grid.`);
    this.height = options.height;
    this.width = options.width;
    this.radius = options.radius;
    this.stride = stride;
    this.start = start;
    this.maps = maps;
    this.positionsY = Math.floor((options.height - 1 - start) / stride) + 1;
    this.positionsX = Math.floor((options.width - 1 - start) / stride) + 1;
    this.gridUnits = maps * this.positionsY * this.positionsX;
    const clones = options.clones ?? [];
    clones.forEach((source, i) => {
      if (!Number.isSafeInteger(source) || source < 0 || source >= this.gridUnits) {
        throw new Error(`Error in StencilGeometry: clones[${i}] must be a grid unit in [0, ${this.gridUnits}), got ${source}.`);
      }
    });
    this.clones = [...clones];
    this.units = this.gridUnits + clones.length;
    const r = options.radius;
    const list: [number, number][] = [];
    for (let dy = -r; dy <= r; dy += 1) for (let dx = -r; dx <= r; dx += 1) list.push([dy, dx]);
    list.sort((a, b) => ring(a) - ring(b) || a[0] - b[0] || a[1] - b[1]);
    this.offsetList = list;
    this.offsets = list.length;
    this.offsetIndexMap = new Map(list.map(([dy, dx], i) => [`${dy},${dx}`, i]));
    this.pixels = new Int32Array(this.units * this.offsets);
    for (let u = 0; u < this.units; u += 1) {
      const [py, px] = this.positionOf(u);
      list.forEach(([dy, dx], o) => {
        const y = py + dy;
        const x = px + dx;
        this.pixels[u * this.offsets + o] = y >= 0 && y < this.height && x >= 0 && x < this.width ? y * this.width + x : -1;
      });
    }
  }

  /** Input features `H·W`. */
  get inFeatures(): number {
    return this.height * this.width;
  }

  /** The options that rebuild this geometry. */
  get options(): StencilGeometryOptions {
    return { height: this.height, width: this.width, radius: this.radius, stride: this.stride, start: this.start, maps: this.maps, clones: this.clones };
  }

  /** The grid unit behind unit `u`: `u` itself on the grid, the source of a clone. */
  gridUnitOf(u: number): number {
    return u < this.gridUnits ? u : (this.clones[u - this.gridUnits] ?? -1);
  }

  /** Grid `(row, column)` of unit `u`'s position. */
  positionOf(u: number): readonly [y: number, x: number] {
    const perMap = this.positionsY * this.positionsX;
    const local = this.gridUnitOf(u) % perMap;
    return [this.start + Math.floor(local / this.positionsX) * this.stride, this.start + (local % this.positionsX) * this.stride];
  }

  /** The feature map of unit `u`. */
  mapOf(u: number): number {
    return Math.floor(this.gridUnitOf(u) / (this.positionsY * this.positionsX));
  }

  /** `(dy, dx)` of offset `o`. */
  offset(o: number): readonly [dy: number, dx: number] {
    const value = this.offsetList[o];
    if (value === undefined) throw new Error(`Error in StencilGeometry.offset: offset must be an integer in [0, ${this.offsets}), got ${o}.`);
    return value;
  }

  /** Index of offset `(dy, dx)`, or -1 beyond the radius. */
  offsetIndex(dy: number, dx: number): number {
    return this.offsetIndexMap.get(`${dy},${dx}`) ?? -1;
  }

  /** Ring (Chebyshev distance from the centre) of offset `o`. */
  ringOf(o: number): number {
    return ring(this.offset(o));
  }

  /** Pixel of cell `(u, o)`, or -1 when it falls outside the grid. */
  pixelOf(u: number, o: number): number {
    return this.pixels[u * this.offsets + o] as number;
  }

  /** Whether cell key `u·S + o` has a pixel (can be Hot). */
  inGrid(key: number): boolean {
    return (this.pixels[key] ?? -1) >= 0;
  }

  /** Pixel of every cell `(u, o)`, row-major `[units, S]` (-1 outside the grid). A copy. */
  pixelTable(): Int32Array {
    return Int32Array.from(this.pixels);
  }

  /** In-grid cell keys of unit `u` on ring `r`. */
  ringKeys(u: number, r: number): number[] {
    const out: number[] = [];
    const lo = r === 0 ? 0 : (2 * r - 1) ** 2;
    const hi = Math.min(this.offsets, (2 * r + 1) ** 2);
    for (let o = lo; o < hi; o += 1) if (this.pixelOf(u, o) >= 0) out.push(u * this.offsets + o);
    return out;
  }

  /** In-grid cell keys of unit `u` on the ray `direction`, at distances 1..R, nearest first. */
  rayKeys(u: number, direction: ArmDirection): number[] {
    const out: number[] = [];
    for (let k = 1; k <= this.radius; k += 1) {
      const o = this.offsetIndex(direction[0] * k, direction[1] * k);
      if (o >= 0 && this.pixelOf(u, o) >= 0) out.push(u * this.offsets + o);
    }
    return out;
  }

  /** Grid distance (Chebyshev, in strides) between two units' positions. */
  unitDistance(u: number, v: number): number {
    const [uy, ux] = this.positionOf(u);
    const [vy, vx] = this.positionOf(v);
    return Math.max(Math.abs(uy - vy), Math.abs(ux - vx)) / this.stride;
  }
}

function ring([dy, dx]: readonly [number, number]): number {
  return Math.max(Math.abs(dy), Math.abs(dx));
}
