// A workflow's schedules: each one's cron, time zone, next fire times and last run, with delete; and a small form to
// add one (cron, time zone, inputs as JSON). The server checks everything and its problem names the field.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { JsonValue, WorkflowSchedule } from '../api/contracts';
import { runHref } from '../links';

export function SchedulesPanel({ workflowId }: { workflowId: string }) {
  const [schedules, setSchedules] = useState<WorkflowSchedule[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [cron, setCron] = useState('0 3 * * *');
  const [timeZone, setTimeZone] = useState('UTC');
  const [inputs, setInputs] = useState('');
  const fail = (e: unknown) => setError(e instanceof Error ? e.message : String(e));

  const load = useCallback(() => {
    api
      .schedules(workflowId)
      .then((list) => {
        setSchedules(list.schedules);
        setError(null);
      })
      .catch(fail);
  }, [workflowId]);
  useEffect(load, [load]);

  const add = async () => {
    let values: { [name: string]: JsonValue } | undefined;
    if (inputs.trim()) {
      try {
        values = JSON.parse(inputs) as { [name: string]: JsonValue };
      } catch {
        setError('Inputs must be a JSON object, such as {"target": "127.0.0.1"}.');
        return;
      }
    }
    setBusy(true);
    try {
      await api.createSchedule(workflowId, { cron, timeZone, ...(values ? { inputs: values } : {}) });
      load();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (scheduleId: string) => {
    setBusy(true);
    try {
      await api.deleteSchedule(workflowId, scheduleId);
      load();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="findings-panel schedules" data-testid="schedules">
      <header>
        <strong>Schedules ({schedules?.length ?? '…'})</strong>
        <span className="small">
          <input aria-label="cron" value={cron} onChange={(e) => setCron(e.target.value)} size={16} className="mono" data-testid="schedule-cron" />{' '}
          <input aria-label="time zone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} size={12} data-testid="schedule-time-zone" />{' '}
          <input aria-label="inputs (JSON)" placeholder='inputs, e.g. {"target": "127.0.0.1"}' value={inputs} onChange={(e) => setInputs(e.target.value)} size={28} className="mono" />{' '}
          <button disabled={busy} onClick={() => void add()} data-testid="add-schedule">
            Add schedule
          </button>
        </span>
      </header>
      {error && <div className="error small">{error}</div>}
      {schedules && schedules.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>cron</th>
              <th>time zone</th>
              <th>next fires</th>
              <th>last run</th>
              <th>created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {schedules.map((s) => (
              <tr key={s.scheduleId} data-testid="schedule-row" data-schedule-id={s.scheduleId}>
                <td className="mono">{s.cron}</td>
                <td>{s.timeZone}</td>
                <td className="small">
                  {s.nextFireAt ? new Date(s.nextFireAt).toLocaleString() : 'never'}
                  {s.upcomingFireTimes.length > 0 && (
                    <span className="muted" title={s.upcomingFireTimes.map((t) => new Date(t).toLocaleString()).join('\n')}>
                      {' '}
                      (+{s.upcomingFireTimes.length} more)
                    </span>
                  )}
                </td>
                <td className="mono small">{s.lastRunId ? <a href={runHref(s.lastRunId)}>{s.lastRunId}</a> : <span className="muted">none yet</span>}</td>
                <td className="small">
                  {new Date(s.createdAt).toLocaleString()}
                  {s.createdBy && <span className="muted"> by {s.createdBy}</span>}
                </td>
                <td>
                  <button className="small" disabled={busy} onClick={() => void remove(s.scheduleId)} data-testid="delete-schedule">
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
