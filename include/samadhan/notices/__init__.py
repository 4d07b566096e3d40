"""Numbered notices to every eligible defaulter, in Hindi PDF bundles by beat for the meter readers.

`generate_notices(day)` runs after the day's dbt build: it numbers each eligible defaulter who has no
notice yet (`<scheme code>/<account_no>`) in the warehouse table `notices.register`, and writes one
bundle per beat with that day's new notices. The dbt models in `dbt_project/models/notices/` track the
bundles against the rules file's notice deadline and the deliveries reported in notice_deliveries.csv.
"""

from samadhan.notices.bundles import BeatBundle, NoticeCopy, read_day_bundles
from samadhan.notices.register import DayNotBuilt, OptionTerms, notice_number, register_new_notices
from samadhan.notices.render import write_bundle_pdf
from samadhan.notices.run import NoticeRun, generate_notices, write_bundles
from samadhan.notices.schema import ensure_notice_schema

__all__ = [
    "BeatBundle",
    "DayNotBuilt",
    "NoticeCopy",
    "NoticeRun",
    "OptionTerms",
    "ensure_notice_schema",
    "generate_notices",
    "notice_number",
    "read_day_bundles",
    "register_new_notices",
    "write_bundle_pdf",
    "write_bundles",
]
