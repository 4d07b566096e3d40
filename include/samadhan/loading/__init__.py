"""The loader: a daily dump folder, checked against its manifest, into `billing.*` and `audit.*`."""

from samadhan.loading.load import load_dump
from samadhan.loading.manifest import DumpRejected
from samadhan.loading.report import FileReport, LoadReport
from samadhan.loading.schema import ensure_schema

__all__ = ["DumpRejected", "FileReport", "LoadReport", "ensure_schema", "load_dump"]
