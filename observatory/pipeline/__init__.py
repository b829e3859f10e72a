"""The nightly pipeline: crawl -> extract -> rules -> alerts, under the database lock.

Every run writes one `run_record` (stage "pipeline") and one child record per stage with its start,
end, counts and errors; crawl subprocesses write their own records (one per source) under the crawl
stage's record. A stage that raises is recorded as failed with its reason and the next stage still
runs: extraction works on whatever documents were retrieved, the rules on whatever was extracted,
and alerts also deliver what earlier nights left pending. A stop request (SIGTERM) is honoured
between stages: the running stage finishes, the rest are recorded as skipped, the run as interrupted.

Stage implementations live in their own packages and are imported lazily: while one is not
installed, its stage is recorded as skipped ("not available") instead of failing the run.

Modules: `run` (the stages in order, under the lock), `stages` (the four stage runners), `record` (the
run record's status and summary, orphaned records), `model` (contexts and reports), `control` (SIGTERM).
"""

from observatory.pipeline.control import clear_stop, install_stop_handler, request_stop, stop_requested
from observatory.pipeline.model import (
    STAGE_ORDER,
    TRIGGERS,
    PipelineReport,
    ProgressFactory,
    StageContext,
    StageFunction,
    StageReport,
    StageResult,
    StageUnavailable,
    import_stage,
)
from observatory.pipeline.record import close_orphaned_runs, pipeline_status
from observatory.pipeline.run import run_nightly
from observatory.pipeline.stages import STAGES, alerts_stage, crawl_stage, extract_stage, rules_stage

__all__ = [
    "STAGES", "STAGE_ORDER", "TRIGGERS", "PipelineReport", "ProgressFactory", "StageContext", "StageFunction",
    "StageReport", "StageResult", "StageUnavailable", "alerts_stage", "clear_stop", "close_orphaned_runs",
    "crawl_stage", "extract_stage", "import_stage", "install_stop_handler", "pipeline_status", "request_stop",
    "rules_stage", "run_nightly", "stop_requested",
]
