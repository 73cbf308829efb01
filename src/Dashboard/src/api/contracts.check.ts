// Compile-time check (tsc --noEmit, part of `npm run build`) that the fixtures the C# records serialise to
// (tests/LocalHost.Tests/Contracts/DashboardContractFixtureTests.cs) fit the TypeScript contract types:
// a renamed, removed, retyped or added field fails the build. Enum values are checked by contracts.test.ts,
// because JSON modules widen string literals to string.
import type { NodeInspection, RunAttempts, RunDiff, RunSearchPage, RunState, RunSummary, RunTimeline, TraceEvent, WorkflowDefinition, WorkflowFindings, WorkflowScheduleList } from './contracts';
import inspectFixture from './fixtures/inspect.json';
import runAttemptsFixture from './fixtures/run-attempts.json';
import replayFixture from './fixtures/replay.json';
import traceEventsFixture from './fixtures/trace-events.json';
import runSummariesFixture from './fixtures/run-summaries.json';
import workflowDefinitionFixture from './fixtures/workflow-definition.json';
import workflowFindingsFixture from './fixtures/workflow-findings.json';
import schedulesFixture from './fixtures/schedules.json';

/** The contract as a JSON module types it: string literal unions become string. */
type Widen<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends readonly (infer U)[]
        ? Widen<U>[]
        : T extends object
          ? { [K in keyof T]: Widen<T[K]> }
          : T;

type KeysOf<T> = T extends unknown ? keyof T : never;
type ValueAt<T, K extends PropertyKey> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;

/** Paths (as strings) of fields present in fixture F that the contract C does not declare. */
type ExtraFields<F, C, Path extends string = ''> = unknown extends C
  ? never // a free-form JSON value (outputSummary, inputs' values)
  : F extends readonly (infer FU)[]
    ? C extends readonly (infer CU)[]
      ? ExtraFields<FU, CU, `${Path}[]`>
      : never
    : F extends object
      ? string extends keyof C
        ? ExtraFields<ValueAt<F, KeysOf<F>>, C[string & keyof C], `${Path}{}`> // a dictionary
        :
            | `${Path}.${Exclude<KeysOf<F>, KeysOf<C>> & string}`
            | { [K in KeysOf<F> & KeysOf<C> & string]: ExtraFields<ValueAt<F, K>, NonNullable<ValueAt<C, K>>, `${Path}.${K}`> }[KeysOf<F> & KeysOf<C> & string]
      : never;

/** Compiles only when T is never; the error names the offending field paths. */
type NoExtraFields<T extends never> = T;

export const traceEvents: Widen<TraceEvent>[] = traceEventsFixture;
export const runSummaries: Widen<RunSummary>[] = runSummariesFixture;
export const workflowDefinition: Widen<WorkflowDefinition> = workflowDefinitionFixture;

export type TraceEventFieldsChecked = NoExtraFields<ExtraFields<typeof traceEventsFixture, TraceEvent[]>>;
export type RunSummaryFieldsChecked = NoExtraFields<ExtraFields<typeof runSummariesFixture, RunSummary[]>>;
export type WorkflowFieldsChecked = NoExtraFields<ExtraFields<typeof workflowDefinitionFixture, WorkflowDefinition>>;

export const runState: Widen<RunState> = replayFixture.state;
export const runDiff: Widen<RunDiff> = replayFixture.diff;
export const runTimeline: Widen<RunTimeline> = replayFixture.timeline;

export type RunStateFieldsChecked = NoExtraFields<ExtraFields<typeof replayFixture.state, RunState>>;
export type RunDiffFieldsChecked = NoExtraFields<ExtraFields<typeof replayFixture.diff, RunDiff>>;
export type RunTimelineFieldsChecked = NoExtraFields<ExtraFields<typeof replayFixture.timeline, RunTimeline>>;

// What BaselineFunctions.GetWorkflowFindings answers (an anonymous object, so the fixture is its real output).
export const workflowFindings: Widen<WorkflowFindings> = workflowFindingsFixture;
export type WorkflowFindingsFieldsChecked = NoExtraFields<ExtraFields<typeof workflowFindingsFixture, WorkflowFindings>>;

// What ScheduleFunctions.ListSchedules answers (an anonymous object, so the fixture is its real output).
export const schedules: Widen<WorkflowScheduleList> = schedulesFixture;
export type SchedulesFieldsChecked = NoExtraFields<ExtraFields<typeof schedulesFixture, WorkflowScheduleList>>;

// The node inspector (GET …/nodes/{nodeId}) and a page of search results (GET /api/search).
export const nodeInspection: Widen<NodeInspection> = inspectFixture.inspection;
export const runSearchPage: Widen<RunSearchPage> = inspectFixture.search;
export type NodeInspectionFieldsChecked = NoExtraFields<ExtraFields<typeof inspectFixture.inspection, NodeInspection>>;
export type RunSearchPageFieldsChecked = NoExtraFields<ExtraFields<typeof inspectFixture.search, RunSearchPage>>;

// The attempt timeline (GET …/runs/{runId}/attempts).
export const runAttempts: Widen<RunAttempts> = runAttemptsFixture;
export type RunAttemptsFieldsChecked = NoExtraFields<ExtraFields<typeof runAttemptsFixture, RunAttempts>>;
