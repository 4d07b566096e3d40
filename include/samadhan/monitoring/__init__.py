"""Monitoring outputs of a released day: revised bills sent out, and the review packs."""

from samadhan.monitoring.revised_bills import (
    SMS_MAX_SEGMENTS,
    revised_bill_sms,
    sms_segments,
    write_revised_bill_files,
)

__all__ = [
    "SMS_MAX_SEGMENTS",
    "revised_bill_sms",
    "sms_segments",
    "write_revised_bill_files",
]
