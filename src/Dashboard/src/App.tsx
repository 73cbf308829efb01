// The route table (react-router, hash history: the host serves one index.html) and the frame around every page.
// Query parameters are read here and handed to pages as props, so a page's key changes when its subject does.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createHashRouter, Link, Outlet, RouterProvider, useParams, useSearchParams } from 'react-router';
import { SearchBox } from './components/SearchBox';
import { setNavigator, timelineHref } from './links';
import { DiffPage } from './pages/DiffPage';
import { PerfDagPage } from './pages/PerfDagPage';
import { PerfPage } from './pages/PerfPage';
import { ReplayPage } from './pages/ReplayPage';
import { RunPage } from './pages/RunPage';
import { RunsPage } from './pages/RunsPage';
import { SearchPage } from './pages/SearchPage';
import { TimelinePage } from './pages/TimelinePage';

function Frame() {
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/" className="brand">
          ShipSec Runs
        </Link>
        <Link to="/">Runs</Link>
        <a href={timelineHref()} data-testid="timeline-nav">
          Timeline
        </a>
        <SearchBox />
      </header>
      <main>
        <Outlet />
      </main>
    </div>
  );
}

const numberParam = (value: string | null): number | undefined => {
  const n = value === null || value === '' ? Number.NaN : Number(value);
  return Number.isFinite(n) ? n : undefined;
};

function RunRoute() {
  const { runId = '' } = useParams();
  const [search] = useSearchParams();
  if (search.get('mode') === 'replay') {
    const at = numberParam(search.get('at'));
    const seq = numberParam(search.get('seq'));
    // The replay page writes ?seq= back as it is scrubbed; only another run remounts it.
    return <ReplayPage key={runId} runId={runId} at={at} seq={seq} />;
  }
  return <RunPage key={runId} runId={runId} />;
}

function RunDiffRoute() {
  const { runId = '', otherRunId = '' } = useParams();
  return <DiffPage key={`${runId}/${otherRunId}`} runA={runId} runB={otherRunId} />;
}

function WorkflowRoute() {
  const { workflowId } = useParams();
  return <RunsPage workflowId={workflowId} />;
}

function RunsRoute() {
  const [search] = useSearchParams();
  return <RunsPage workflowId={search.get('workflow') ?? undefined} />;
}

function TimelineRoute() {
  const [search] = useSearchParams();
  return <TimelinePage workflowId={search.get('workflow') ?? undefined} />;
}

function PerfRoute() {
  const [search] = useSearchParams();
  return <PerfPage events={numberParam(search.get('events')) ?? 100000} />;
}

function PerfDagRoute() {
  const [search] = useSearchParams();
  const count = numberParam(search.get('nodes')) ?? 1000;
  const plain = search.get('plain') === '1';
  return <PerfDagPage key={`${count}/${plain}`} count={count} plain={plain} />;
}

export const router = createHashRouter([
  {
    element: <Frame />,
    children: [
      { path: '/', element: <RunsRoute /> },
      { path: '/runs/:runId', element: <RunRoute /> },
      { path: '/runs/:runId/diff/:otherRunId', element: <RunDiffRoute /> },
      { path: '/diff/:runId/:otherRunId', element: <RunDiffRoute /> },
      { path: '/workflows/:workflowId', element: <WorkflowRoute /> },
      { path: '/timeline', element: <TimelineRoute /> },
      { path: '/search', element: <SearchPage /> },
      { path: '/perf', element: <PerfRoute /> },
      { path: '/perf/dag', element: <PerfDagRoute /> },
      { path: '*', element: <RunsRoute /> },
    ],
  },
]);

setNavigator((to, options) => void router.navigate(to, options));

// Runs change while they are looked at; the live feed keeps what moves current, so cached answers may be
// a little old but are refetched when a view asks again.
export const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 2000, retry: 1, refetchOnWindowFocus: false } } });

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
