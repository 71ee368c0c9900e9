/**
 * The Chrome trace-event document (opens in Perfetto and chrome://tracing): the schema the report
 * uses to read such a file back for its timeline. The conversion from simulator trace records is
 * `toChromeTrace` in trace-events.ts (which imports these types; nothing here imports it back).
 *
 * Phase: schema (a document type shared by `simulate --trace`, the sweep's traced point and the
 * report, which sits above sweep; pure, no I/O).
 */
import { Type, type Static } from '@sinclair/typebox';

export const ChromeEventSchema = Type.Object({
  name: Type.String(),
  ph: Type.String(),
  ts: Type.Optional(Type.Number()),
  dur: Type.Optional(Type.Number()),
  pid: Type.Number(),
  tid: Type.Number(),
  cat: Type.Optional(Type.String()),
  /** Instant events (`ph: 'i'`/`'I'`): scope, `t` thread, `p` process, `g` global. */
  s: Type.Optional(Type.String()),
  /** Flow events (`ph: 's'`/`'f'`): the arrow's id, shared by its start and finish. */
  id: Type.Optional(Type.Union([Type.Number(), Type.String()])),
  /** Flow finish binding point: `e` binds to the enclosing slice (else the next slice). */
  bp: Type.Optional(Type.String()),
  args: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
// Other tools' traces may carry more fields (additionalProperties allowed): the report only reads these.
export const ChromeTraceSchema = Type.Object({ traceEvents: Type.Array(ChromeEventSchema) });
export type ChromeEvent = Static<typeof ChromeEventSchema>;
export type ChromeTrace = Static<typeof ChromeTraceSchema> & { otherData?: TraceOtherData };

/**
 * What dispatchsim writes in a trace's `otherData` (the format's free-form block): whether the
 * polls were simulated or measured on real tokio, and whether the trace stops before the run did.
 */
export interface TraceOtherData {
  source: 'simulated' | 'measured';
  scenario: string;
  model: string;
  /** Length of the whole run (µs). */
  runUs: number;
  /**
   * Present when the trace stops before the run did: it holds at most `spans` events (the
   * `--trace-events` cap: polls, sends, and two per wake arrow), up to `coveredUs`.
   */
  truncated?: { spans: number; coveredUs: number };
}
