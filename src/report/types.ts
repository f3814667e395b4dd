/**
 * @module report/types
 * What a report is made of: sections of blocks (text, callouts, tables and four chart kinds).
 */
export type Tone = 'good' | 'bad' | 'warn' | 'info';

export interface Bar {
  label: string;
  /** null = no value (drawn as "n/a"); ±Infinity is drawn to the edge with an arrow. */
  value: number | null;
  /** Interval drawn as a whisker (e.g. a bootstrap confidence interval). */
  low?: number;
  high?: number;
  tone?: 'good' | 'bad' | 'neutral';
  /** Shown as the bar's tooltip and after the value. */
  note?: string;
}

export type ReportBlock =
  | { type: 'text'; text: string }
  | { type: 'callout'; tone: Tone; text: string }
  | { type: 'table'; columns: string[]; rows: (string | number | null)[][] }
  | {
      type: 'bars';
      title: string;
      bars: Bar[];
      /** The metric's possible range, shaded behind the bars (infinite ends are cut at the data). */
      domain?: [number, number];
      /** A vertical reference line, e.g. 0 for "no difference". */
      reference?: number;
      valueFormat?: (value: number) => string;
    }
  | { type: 'lines'; title: string; xLabel: string; yLabel: string; series: { name: string; points: [number, number][] }[] }
  | { type: 'strip'; title: string; rows: { label: string; values: number[]; colorValues?: number[] }[] }
  | { type: 'histogram'; title: string; bins: string[]; series: { name: string; values: number[] }[] };

export interface ReportSection {
  title: string;
  blocks: ReportBlock[];
}

export interface HtmlReport {
  title: string;
  subtitle?: string;
  summary?: { label: string; value: string; tone?: 'good' | 'bad' | 'warn' }[];
  sections: ReportSection[];
}
