"""Counter-based random numbers: each value is a pure function of the seed, a stream name and keys.

A consumer's attributes and events are drawn as `hasher.uniform("stream", consumer_index, day)`
instead of from a stateful generator. So any chunk of consumers, on any day, in any process, gets
the same values without the generator keeping state between chunks or days. The mixing function
is splitmix64's finaliser, applied in numpy's wrapping uint64 arithmetic.
"""

from __future__ import annotations

import zlib
from functools import cache

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MULTIPLIER_1 = np.uint64(0xBF58476D1CE4E5B9)
_MULTIPLIER_2 = np.uint64(0x94D049BB133111EB)
_SHIFT_30 = np.uint64(30)
_SHIFT_27 = np.uint64(27)
_SHIFT_31 = np.uint64(31)
_SHIFT_11 = np.uint64(11)
_TO_UNIT = 2.0**-53


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> _SHIFT_30)
    x = x * _MULTIPLIER_1
    x = x ^ (x >> _SHIFT_27)
    x = x * _MULTIPLIER_2
    return x ^ (x >> _SHIFT_31)


@cache
def _stream_key(stream: str) -> np.uint64:
    # crc32 rather than hash(): str hashes change between Python processes.
    data = stream.encode()
    return np.uint64((zlib.crc32(data) << 32) | zlib.crc32(data[::-1]))


class Hasher:
    """Deterministic random draws keyed by (seed, stream, keys...), vectorised over numpy arrays."""

    def __init__(self, seed: int) -> None:
        with np.errstate(over="ignore"):
            self._base = _mix(np.array([seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64) + _GOLDEN)

    def bits(self, stream: str, *keys: np.ndarray | int) -> np.ndarray:
        """Return 64 random bits per element of the broadcast keys, as uint64."""
        with np.errstate(over="ignore"):
            value = _mix(self._base ^ _stream_key(stream))
            for key in keys:
                as_bits = np.asarray(key, dtype=np.int64).astype(np.uint64)
                value = _mix(value ^ (as_bits * _GOLDEN + _MULTIPLIER_2))
        return value

    def uniform(self, stream: str, *keys: np.ndarray | int) -> np.ndarray:
        """Return floats in [0, 1)."""
        return (self.bits(stream, *keys) >> _SHIFT_11).astype(np.float64) * _TO_UNIT

    def integers(self, stream: str, low: int, high: np.ndarray | int, *keys: np.ndarray | int) -> np.ndarray:
        """Return int64 values in [low, high); `high` may be an array (one bound per element)."""
        span = np.asarray(high, dtype=np.int64) - low
        draw = np.floor(self.uniform(stream, *keys) * span).astype(np.int64)
        return draw + low

    def pick(self, stream: str, weights: np.ndarray, *keys: np.ndarray | int) -> np.ndarray:
        """Return indexes into `weights`, each drawn with probability proportional to its weight."""
        cumulative = np.cumsum(np.asarray(weights, dtype=np.float64))
        draw = self.uniform(stream, *keys) * cumulative[-1]
        return np.minimum(np.searchsorted(cumulative, draw, side="right"), len(cumulative) - 1)

    def normal(self, stream: str, *keys: np.ndarray | int) -> np.ndarray:
        """Return standard normal draws (Box-Muller on two uniform streams)."""
        first = self.uniform(stream + "/1", *keys)
        second = self.uniform(stream + "/2", *keys)
        return np.sqrt(-2.0 * np.log1p(-first)) * np.cos(2.0 * np.pi * second)
