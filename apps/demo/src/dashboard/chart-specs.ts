/**
 * The dashboard's charts as Vega-Lite specs over named datasets (the page inserts the rows), compiled
 * to Vega in Node so the page needs only the Vega runtime.
 */
import { compile, type TopLevelSpec } from "vega-lite";
import type { DatasetName } from "./dashboard-data.js";

/** One chart: its id, title, caption, the datasets it draws and its compiled Vega spec. */
export interface DashboardChart {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly datasets: readonly DatasetName[];
  readonly vega: object;
}

const WIDTH = 760;
const HEIGHT = 200;
const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
/** The gusty-regime shading layer of the tick charts (a layer literal; its type comes from where it is spread). */
function gustyShade() {
  return {
    mark: { type: "rect" as const, color: "#f4e3c1", opacity: 0.6 },
    data: { name: "regimes" },
    transform: [{ filter: "datum.regime === 'gusty'" }],
    encoding: { x: { field: "start", type: "quantitative" as const, title: "tick" }, x2: { field: "end" } },
  };
}

/** A Vega-Lite spec without the parts every chart shares (distributed over the spec union). */
type SpecBody = TopLevelSpec extends infer S ? (S extends unknown ? Omit<S, "$schema" | "width" | "height"> : never) : never;

interface ChartDefinition {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly datasets: readonly DatasetName[];
  readonly spec: SpecBody;
}

const DEFINITIONS: readonly ChartDefinition[] = [
  {
    id: "world",
    title: "The world",
    caption: "Position x and velocity v of the driven hardening-spring oscillator, tick by tick. Shaded: the gusty regime (hidden from the agent).",
    datasets: ["ticks", "regimes"],
    spec: {
      layer: [
        gustyShade(),
        {
          data: { name: "ticks" },
          transform: [{ fold: ["x", "v"], as: ["variable", "value"] }],
          mark: { type: "line", strokeWidth: 1 },
          encoding: {
            x: { field: "tick", type: "quantitative" },
            y: { field: "value", type: "quantitative", title: "state" },
            color: { field: "variable", type: "nominal", title: null },
          },
        },
      ],
    },
  },
  {
    id: "tubes",
    title: "Tubes over time",
    caption: "Each step the agent commits to a tube μ ± kσ (band) around its world model's forecast of x for the next 8 ticks; the black line is what happened. Grey bands were refused or calibration steps (not commitments).",
    datasets: ["ticks", "regimes"],
    spec: {
      layer: [
        gustyShade(),
        {
          data: { name: "ticks" },
          mark: { type: "area", opacity: 0.45 },
          encoding: {
            x: { field: "tick", type: "quantitative" },
            y: { field: "loX", type: "quantitative", title: "x" },
            y2: { field: "hiX" },
            detail: { field: "step", type: "nominal" },
            color: { field: "committed", type: "nominal", title: "committed", scale: { domain: [true, false], range: ["#4c78a8", "#bbbbbb"] } },
          },
        },
        { data: { name: "ticks" }, mark: { type: "line", strokeWidth: 1, color: "#1f3f66" }, encoding: { x: { field: "tick", type: "quantitative" }, y: { field: "muX", type: "quantitative" }, detail: { field: "step", type: "nominal" } } },
        { data: { name: "ticks" }, mark: { type: "line", strokeWidth: 1.2, color: "black" }, encoding: { x: { field: "tick", type: "quantitative" }, y: { field: "x", type: "quantitative" } } },
      ],
    },
  },
  {
    id: "debt",
    title: "Epistemic debt and refusals",
    caption: "Debt in bits after each step (overclaimed bits accrue; only calibration repays). Above the 2-bit line every commitment is refused (red) and the agent must calibrate (green).",
    datasets: ["steps", "epistemicEvents"],
    spec: {
      layer: [
        { data: { name: "steps" }, mark: { type: "line", color: "#b3141b" }, encoding: { x: { field: "step", type: "quantitative" }, y: { field: "debtBits", type: "quantitative", title: "debt (bits)" } } },
        { data: { values: [{ threshold: 2 }] }, mark: { type: "rule", strokeDash: [4, 4], color: "#555" }, encoding: { y: { field: "threshold", type: "quantitative" } } },
        {
          data: { name: "epistemicEvents" },
          mark: { type: "point", filled: true, size: 50 },
          encoding: {
            x: { field: "step", type: "quantitative" },
            y: { field: "debtBits", type: "quantitative" },
            color: { field: "event", type: "nominal", title: null, scale: { range: ["#2ca02c", "#d62728", "#ff7f0e", "#9467bd"] } },
            shape: { field: "event", type: "nominal", title: null },
          },
        },
      ],
    },
  },
  {
    id: "bits",
    title: "Claimed vs realised information",
    caption: "Bits per tick each commitment claimed (its tube against one standardised unit) and the bits the outcome delivered. The gap is the overclaim charged as debt.",
    datasets: ["bits"],
    spec: {
      data: { name: "bits" },
      mark: { type: "line", strokeWidth: 1, point: { size: 10 } },
      encoding: {
        x: { field: "step", type: "quantitative" },
        y: { field: "bits", type: "quantitative", title: "bits per tick" },
        color: { field: "kind", type: "nominal", title: null },
      },
    },
  },
  {
    id: "growth",
    title: "Structure growth of the world model",
    caption: "Hot cells in the world model's growing sparse branches (line) and regions committed by each growth cycle (bars): structure is added only when fresh batches show the loss falls.",
    datasets: ["steps"],
    spec: {
      data: { name: "steps" },
      layer: [
        {
          transform: [{ filter: "datum.grownRegions > 0" }, { calculate: "0", as: "zero" }],
          mark: { type: "rule", color: "#72b7b2", strokeWidth: 3 },
          encoding: { x: { field: "step", type: "quantitative" }, y: { field: "zero", type: "quantitative", title: "regions grown" }, y2: { field: "grownRegions" } },
        },
        { mark: { type: "line", color: "#54a24b" }, encoding: { x: { field: "step", type: "quantitative" }, y: { field: "branchCells", type: "quantitative", title: "hot cells" } } },
      ],
      resolve: { scale: { y: "independent" } },
    },
  },
  {
    id: "model",
    title: "World-model error and regime belief",
    caption: "RMS one-step forecast error (standardised units) and the agent's belief that the world is turbulent (its z_intent), over steps.",
    datasets: ["steps"],
    spec: {
      data: { name: "steps" },
      transform: [{ fold: ["forecastError", "belief"], as: ["series", "value"] }],
      mark: { type: "line", strokeWidth: 1 },
      encoding: {
        x: { field: "step", type: "quantitative" },
        y: { field: "value", type: "quantitative", title: null },
        color: { field: "series", type: "nominal", title: null },
      },
    },
  },
  {
    id: "modulators",
    title: "Modulator levels",
    caption: "NE, 5HT and DA from the receptor homeostasis, which the agent turns into gains: NE sets world-model learning steps, 5HT the committed tube width, DA the growth drive.",
    datasets: ["modulators"],
    spec: {
      data: { name: "modulators" },
      mark: { type: "line", strokeWidth: 1.2 },
      encoding: {
        x: { field: "step", type: "quantitative" },
        y: { field: "level", type: "quantitative", title: "level μ", scale: { domain: [0, 1] } },
        color: { field: "modulator", type: "nominal", title: null },
      },
    },
  },
  {
    id: "calibration",
    title: "Commitment price and calibration",
    caption: "The tube's commitment price λ (homeostatic) and the conformal width scale the last calibration set, over steps.",
    datasets: ["steps"],
    spec: {
      data: { name: "steps" },
      transform: [{ fold: ["lambda", "widthScale"], as: ["series", "value"] }],
      mark: { type: "line", strokeWidth: 1.2, interpolate: "step-after" },
      encoding: {
        x: { field: "step", type: "quantitative" },
        y: { field: "value", type: "quantitative", title: null },
        color: { field: "series", type: "nominal", title: null },
      },
    },
  },
];

/** Every chart of the dashboard, compiled. */
export function dashboardCharts(): readonly DashboardChart[] {
  return DEFINITIONS.map((d) => {
    const spec = { $schema: SCHEMA, width: WIDTH, height: HEIGHT, ...d.spec } as TopLevelSpec;
    return { id: d.id, title: d.title, caption: d.caption, datasets: d.datasets, vega: compile(spec).spec };
  });
}
