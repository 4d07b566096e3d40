"""Synthetic daily billing dumps for the OTS scheme, at tiny, district, tenth or state scale.

`generate_dumps` writes one folder per day with the ten files of the dump contract and
`_manifest.json`, the same bytes for the same arguments.
"""

from samadhan.generator.scales import SCALES
from samadhan.generator.writer import generate_dumps

__all__ = ["SCALES", "generate_dumps"]
