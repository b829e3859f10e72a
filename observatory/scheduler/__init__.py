"""`observatory schedule`: the nightly pipeline on an APScheduler 3 scheduler.

Modules: `process` (the scheduler process: job store, jobs declared at start, catch-up, locks, signals),
`jobs` (the job functions the persistent store references, and the decisions they take from the run
records), `clock` (the crontab trigger and its daylight-saving check).
"""

from observatory.scheduler.clock import dst_hazards, fire_times, last_due, nightly_trigger
from observatory.scheduler.jobs import (
    RETRY_JOB_ID,
    night_covered,
    nightly_job,
    plan_catch_up,
    plan_lock_retry,
    prune_run_records,
    prune_run_records_job,
)
from observatory.scheduler.process import (
    CATCH_UP_JOB_ID,
    HOUSEKEEPING_JOB_ID,
    NIGHTLY_JOB_ID,
    build_scheduler,
    run_scheduler,
    scheduled_jobs,
)

__all__ = [
    "CATCH_UP_JOB_ID", "HOUSEKEEPING_JOB_ID", "NIGHTLY_JOB_ID", "RETRY_JOB_ID", "build_scheduler", "dst_hazards",
    "fire_times", "last_due", "night_covered", "nightly_job", "nightly_trigger", "plan_catch_up",
    "plan_lock_retry", "prune_run_records", "prune_run_records_job", "run_scheduler", "scheduled_jobs",
]
