"""The four sizes of generated dumps and the behaviour rates that go with each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """Sizes of the hierarchy and population, and how busy the consumers are."""

    name: str
    consumers: int  # consumers in the first day's snapshot
    zone_codes: tuple[str, ...]  # zones taken from places.ZONES; their discoms come with them
    circles: int
    divisions: int
    subdivisions: int
    substations: int
    feeders: int
    beats: int
    # Scheme days that pass per dump day: above 1 it packs the scheme's activity into fewer dumps,
    # so that a few days of a tiny dump show every kind of event.
    compression: int
    registration_share: float  # share of eligible defaulters who register during the scheme
    notice_share: float  # share of eligible defaulters whose notice delivery is attempted
    revision_share: float  # share of registrations that ask for a bill revision
    reversal_share: float  # share of counter payments whose cheque bounces
    resend_share: float  # share of event rows that the billing system sends again on a later day
    ordinary_payment_rate: float  # chance per consumer per day of a payment outside the scheme
    # Whether a file part of 25 to 100 rows gets one broken row, which is above 1% of it. Without
    # this, only parts of at least 101 rows get broken rows, and under 1% of them.
    break_small_files: bool
    chunk_consumers: int  # consumer slots generated together, in one process
    workers: int  # processes that generate chunks; 1 means in the calling process


SCALES: dict[str, Scale] = {
    "tiny": Scale(
        name="tiny", consumers=300, zone_codes=("Z101",), circles=1, divisions=2, subdivisions=2,
        substations=3, feeders=6, beats=12, compression=8, registration_share=0.85, notice_share=0.95,
        revision_share=0.15, reversal_share=0.2, resend_share=0.1, ordinary_payment_rate=0.01,
        break_small_files=True, chunk_consumers=100_000, workers=1,
    ),
    "district": Scale(
        name="district", consumers=50_000, zone_codes=("Z101", "Z104"), circles=3, divisions=5,
        subdivisions=12, substations=30, feeders=120, beats=400, compression=1, registration_share=0.28,
        notice_share=0.8, revision_share=0.03, reversal_share=0.01, resend_share=0.003,
        ordinary_payment_rate=0.001, break_small_files=False,
        chunk_consumers=100_000, workers=1,
    ),
    # A tenth of the state, for benchmarks that must finish within an hour on one small machine.
    "tenth": Scale(
        name="tenth", consumers=2_000_000, zone_codes=("Z101", "Z201", "Z301"), circles=9, divisions=33,
        subdivisions=125, substations=420, feeders=2_100, beats=15_000, compression=1, registration_share=0.28,
        notice_share=0.8, revision_share=0.03, reversal_share=0.01, resend_share=0.003,
        ordinary_payment_rate=0.001, break_small_files=False, chunk_consumers=100_000, workers=2,
    ),
    "state": Scale(
        name="state", consumers=20_000_000, zone_codes=tuple(f"Z{code}" for code in (
            101, 102, 103, 104, 105, 201, 202, 203, 204, 205, 206, 207, 208, 301, 302, 303, 304, 305, 306,
            401, 402, 403, 404, 405, 501,
        )), circles=90, divisions=330, subdivisions=1_250, substations=4_200, feeders=21_000, beats=150_000,
        compression=1, registration_share=0.28, notice_share=0.8, revision_share=0.03, reversal_share=0.01,
        resend_share=0.003, ordinary_payment_rate=0.001, break_small_files=False,
        chunk_consumers=100_000, workers=2,
    ),
}
