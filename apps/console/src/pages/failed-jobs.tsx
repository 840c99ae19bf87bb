import { useState } from 'react';

import { api, query } from '../api/client';
import { describeError } from '../api/errors';
import type { FailedJob, Page } from '../api/types';
import { ErrorNotice, Notice } from '../components/notice';
import { Pager } from '../components/pager';
import { exact, Time } from '../components/time';
import { usePoll } from '../hooks/use-poll';
import { useSearch } from '../hooks/use-search';
import { useTitle } from '../hooks/use-title';

const SIZE = 25;
const SUPERADMINS = 'Failed jobs are for superadmins';

/** The dead letters of every queue (superadmins), each replayable: workers are idempotent. */
export function FailedJobsPage() {
  useTitle('Failed jobs');
  const [get, set] = useSearch<'page'>();
  const page = Math.max(1, Number(get('page')) || 1);
  const url = `/api/v1/admin/jobs/failed${query({ pageNum: page, itemsPerPage: SIZE })}`;
  const jobs = usePoll((signal) => api<Page<FailedJob>>(url, { signal }), [url], 10_000);
  const [outcome, setOutcome] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const replay = async (job: FailedJob) => {
    setBusy(job.id);
    setOutcome(null);
    try {
      const answer = await api<{ message: string }>(`/api/v1/admin/jobs/failed/${encodeURIComponent(job.id)}/retry`, {
        method: 'POST',
      });
      setOutcome({ tone: 'success', text: `${answer.message}: ${job.queue} job ${job.id}.` });
      jobs.reload();
    } catch (err) {
      setOutcome({
        tone: 'error',
        text: describeError(err, { forbidden: SUPERADMINS, notFound: 'That job is no longer failed' }),
      });
    } finally {
      setBusy(null);
    }
  };

  const rows = jobs.data?.results ?? [];
  return (
    <>
      <div className="page-head">
        <h1>Failed jobs</h1>
        <p className="muted">Jobs that failed after their last try; a replay runs one again with all its tries.</p>
      </div>
      <ErrorNotice error={jobs.error} wording={{ forbidden: SUPERADMINS }} />
      {outcome && <Notice tone={outcome.tone}>{outcome.text}</Notice>}
      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">Failed jobs, newest failure first within a queue</caption>
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Job</th>
              <th scope="col">Reason</th>
              <th scope="col">Tries</th>
              <th scope="col">Records</th>
              <th scope="col">Failed</th>
              <th scope="col">
                <span className="visually-hidden">Replay</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((job) => (
              <tr key={`${job.queue}/${job.id}`}>
                <td>{job.queue}</td>
                <td>
                  <code>{job.id}</code>
                </td>
                <td className="reason">{job.failedReason}</td>
                <td className="num">{job.attemptsMade}</td>
                <td className="num">{job.records ?? '—'}</td>
                <td title={exact(job.failedAt)}>
                  <Time at={job.failedAt} />
                </td>
                <td>
                  <button type="button" disabled={busy !== null} onClick={() => void replay(job)}>
                    {busy === job.id ? 'Replaying…' : 'Replay'}
                    <span className="visually-hidden"> job {job.id}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {jobs.data && rows.length === 0 && <p className="empty">No failed jobs. Everything was stored.</p>}
      </div>
      <Pager
        label="Failed jobs"
        page={page}
        size={SIZE}
        total={jobs.data?.totalCount ?? 0}
        onPage={(p) => set({ page: p }, { replace: true })}
      />
    </>
  );
}
