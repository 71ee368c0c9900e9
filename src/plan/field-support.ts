/**
 * Which back-end honours which scenario field: the table docs/semantics.md prints ("Which
 * back-end honours which field"), written once as data. A test holds it to the scenario schema
 * (every field listed, no field that does not exist), to the page (the table there is exactly
 * `fieldSupportMarkdown()`), and to the analytic model (every field marked `refused` here is
 * refused with DS4005 by `analytic/applicability.ts`).
 *
 * Phase: documentation of all three back-ends (simulate, analyze, measure); read by tests and docs.
 */

export interface FieldSupport {
  /** The scenario field, as a dotted path (`runtime.lifoSlot`). */
  field: string;
  simulated: string;
  /** Starts with `refused` where the analytic model refuses some value of the field (DS4005). */
  analytic: string;
  measured: string;
}

const SHAPES = 'honoured for the shapes it recognises (else DS4002/DS4003)';

export const FIELD_SUPPORT: FieldSupport[] = [
  { field: '$schema', simulated: 'n/a (an editor hint)', analytic: 'n/a', measured: 'n/a' },
  { field: 'name', simulated: 'recorded', analytic: 'recorded', measured: 'recorded' },
  { field: 'description', simulated: 'n/a (documentation)', analytic: 'n/a', measured: 'n/a' },
  { field: 'model', simulated: 'honoured', analytic: 'honoured', measured: 'honoured (costs become calibrated spins)' },
  {
    field: 'seed',
    simulated: 'honoured (one PRNG stream per purpose)',
    analytic: 'recorded (draws nothing: arrivals and costs enter as means and moments)',
    measured: 'honoured (arrival, route and cost draws)',
  },
  { field: 'runtime.flavor', simulated: 'honoured', analytic: 'honoured', measured: 'honoured' },
  { field: 'runtime.workers', simulated: 'honoured', analytic: 'honoured', measured: 'honoured' },
  { field: 'runtime.driver', simulated: 'honoured', analytic: 'honoured', measured: 'honoured (timer_io with the `io` build)' },
  {
    field: 'runtime.tokio',
    simulated: "honoured (the version's scheduler semantics, docs/semantics.md *tokio versions*)",
    analytic: 'honoured (the current_thread deltas; the others do not touch the shapes it answers)',
    measured: 'honoured (the probe built against that release: measure --tokio)',
  },
  { field: 'runtime.eventInterval', simulated: 'honoured', analytic: 'honoured', measured: 'honoured (tokio Builder)' },
  {
    field: 'runtime.timerPhaseUs',
    simulated: 'honoured',
    analytic: 'refused when set (≠ 0): sleeps enter as whole timer ticks from phase 0',
    measured: "honoured (t = 0 aligned on the driver's ticks)",
  },
  {
    field: 'runtime.globalQueueInterval',
    simulated: 'honoured',
    analytic: 'refused when not the default (31 on current_thread, 61 on multi_thread)',
    measured: 'honoured (tokio Builder)',
  },
  {
    field: 'runtime.lifoSlot',
    simulated: 'honoured on multi_thread (current_thread has no LIFO slot)',
    analytic: 'refused when false on multi_thread',
    measured: 'honoured (false: a `tokio_unstable` build)',
  },
  {
    field: 'machine.cores',
    simulated: 'honoured (threads beyond it are time-sliced)',
    analytic: 'refused when multi_thread workers exceed it (every worker is assumed to have a core)',
    measured: 'recorded only: the run gets the CPUs `measure --cores` pins it to',
  },
  {
    field: 'machine.timesliceUs',
    simulated: 'honoured',
    analytic: 'n/a while every worker has a core (see machine.cores)',
    measured: "n/a (the OS's own scheduler)",
  },
  {
    field: 'machine.noise',
    simulated: 'honoured (on by default when the model has noise_rate > 0)',
    analytic: 'not modelled: figures for the idealised machine, said in the Result (DS4090)',
    measured: "n/a (the machine's own noise)",
  },
  { field: 'channels', simulated: 'honoured', analytic: SHAPES, measured: 'honoured (tokio mpsc; lock-free: a locked queue)' },
  { field: 'mutexes', simulated: 'honoured', analytic: SHAPES, measured: 'honoured (tokio Mutex)' },
  { field: 'tasks', simulated: 'honoured', analytic: SHAPES, measured: 'honoured' },
  { field: 'sources', simulated: 'honoured', analytic: SHAPES, measured: 'honoured (threads outside the runtime)' },
  { field: 'template', simulated: 'honoured', analytic: SHAPES, measured: 'honoured' },
  {
    field: 'outputs',
    simulated: 'honoured',
    analytic: 'honoured (same evaluation over the analytic Result)',
    measured: 'honoured (plus `measure.*` and `spread.*`)',
  },
  {
    field: 'limits.maxSimulatedMs',
    simulated: 'honoured',
    analytic: 'n/a (predicts the whole run)',
    measured: 'not read: `measure --timeout-s` bounds the run',
  },
  {
    field: 'limits.maxEvents',
    simulated: 'honoured',
    analytic: 'n/a (no events)',
    measured: 'not read: `measure --timeout-s` bounds the run',
  },
  {
    field: 'limits.maxWallMs',
    simulated: 'honoured',
    analytic: 'n/a (no run)',
    measured: 'not read: `measure --timeout-s` bounds the run',
  },
  { field: 'reference.source', simulated: 'n/a (read by tests and docs)', analytic: 'n/a', measured: 'n/a' },
  { field: 'reference.figures', simulated: 'n/a (read by tests and docs)', analytic: 'n/a', measured: 'n/a' },
];

/** The table as Markdown, exactly as docs/semantics.md holds it. */
export function fieldSupportMarkdown(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const rows = FIELD_SUPPORT.map((f) => `| \`${f.field}\` | ${esc(f.simulated)} | ${esc(f.analytic)} | ${esc(f.measured)} |`);
  return ['| field | simulated | analytic | measured |', '|---|---|---|---|', ...rows].join('\n') + '\n';
}
