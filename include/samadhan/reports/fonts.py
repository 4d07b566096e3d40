"""The Noto Sans Devanagari font for the PDF copies, from the PyPI package fontpkg-noto-sans-devanagari.

The package ships one variable font (weight and width axes). fpdf2 shapes text with HarfBuzz on
the file it was given, so a variable file would be shaped with the default weight's advances even
for bold text. Static regular and bold instances are therefore cut once per process into a
temporary folder, and fpdf2 loads those.
"""

from __future__ import annotations

import atexit
import functools
import importlib.resources
import json
import shutil
import tempfile
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.varLib import instancer
from fpdf.fonts import TTFFont

FONT_PACKAGE = "fontpkg_noto_sans_devanagari"
FONT_DISTRIBUTION = "fontpkg-noto-sans-devanagari"
FONT_FILE_PREFIX = "NotoSansDevanagari"
STYLE_WEIGHTS = {"": 400, "B": 700}


class FontNotFoundError(RuntimeError):
    """The Devanagari font package is missing or contains no usable font file."""


def _package_folder() -> Path:
    try:
        root = importlib.resources.files(FONT_PACKAGE)
    except ModuleNotFoundError as error:
        raise FontNotFoundError(
            f"The Devanagari font is not installed: the Python package {FONT_DISTRIBUTION} is missing. "
            f"Install it from PyPI (it is a dependency of samadhan: run `uv sync`)."
        ) from error
    folder = Path(str(root))
    if not folder.is_dir():
        raise FontNotFoundError(f"{FONT_DISTRIBUTION} is not installed as plain files (found {folder})")
    return folder


def _font_files(folder: Path) -> list[tuple[Path, bool, int | None]]:
    """List the package's Noto Sans Devanagari files as (path, variable, weight)."""
    metadata = folder / "metadata.json"
    found: list[tuple[Path, bool, int | None]] = []
    if metadata.is_file():
        for entry in json.loads(metadata.read_text(encoding="utf-8")).get("files", []):
            path = folder / entry["path"]
            if entry.get("style", "normal") == "normal" and path.is_file():
                found.append((path, bool(entry.get("variable")), entry.get("weight")))
    if not found:
        for path in sorted(folder.rglob(f"{FONT_FILE_PREFIX}*")):
            if path.suffix.lower() in (".ttf", ".otf") and "Italic" not in path.name:
                weight = None
                if "-Bold." in path.name:
                    weight = 700
                elif "-Regular." in path.name:
                    weight = 400
                found.append((path, "[" in path.name, weight))
    return found


def locate_devanagari_font() -> Path:
    """Return the path of the Noto Sans Devanagari font file inside the installed PyPI package.

    The variable font is preferred; otherwise the static regular file. Raises FontNotFoundError
    with what to install when the package or the file is missing.
    """
    folder = _package_folder()
    files = _font_files(folder)
    for path, variable, _weight in files:
        if variable:
            return path
    for path, _variable, weight in files:
        if weight == 400:
            return path
    raise FontNotFoundError(f"No Noto Sans Devanagari regular or variable font file found in {folder}")


_instance_folder: Path | None = None


def _remove_instance_folder() -> None:
    if _instance_folder is not None:
        shutil.rmtree(_instance_folder, ignore_errors=True)


@functools.cache
def devanagari_font_styles() -> dict[str, Path]:
    """Return static font files by fpdf2 style: "" (regular, weight 400) and "B" (bold, weight 700)."""
    global _instance_folder
    folder = _package_folder()
    files = _font_files(folder)
    static = {weight: path for path, variable, weight in files if not variable and weight in (400, 700)}
    if set(static) == {400, 700}:
        return {style: static[weight] for style, weight in STYLE_WEIGHTS.items()}

    variable_file = locate_devanagari_font()
    _instance_folder = Path(tempfile.mkdtemp(prefix="samadhan-fonts-"))
    atexit.register(_remove_instance_folder)
    styles: dict[str, Path] = {}
    for style, weight in STYLE_WEIGHTS.items():
        # recalcTimestamp=False keeps the head table's date, so that each run embeds the same bytes.
        font = TTFont(variable_file, recalcTimestamp=False)
        instance = instancer.instantiateVariableFont(
            font, {"wght": weight, "wdth": 100}, static=True, updateFontNames=True
        )
        path = _instance_folder / f"{FONT_FILE_PREFIX}-{'Bold' if style else 'Regular'}.ttf"
        instance.save(path)
        styles[style] = path
    return styles


class ClusterMappedFont(TTFFont):
    """A TTFFont whose ToUnicode map lets PDF readers extract shaped Devanagari in logical order.

    HarfBuzz puts the vowel sign ि (i) before its consonant: "नि" becomes the glyphs [ि, न] in one
    cluster. fpdf2 2.8 maps the whole cluster's text to the first glyph and nothing to the others,
    so readers extract "नि" followed by a stray character. This class hands the cluster's characters
    to its glyphs in order (ि-glyph -> "न", न-glyph -> "ि"), which concatenates to "नि" again.

    Noto Sans Devanagari also draws a lone ई or ऐ as two glyphs (इ plus a mark), which leaves one
    glyph with no text. Such a cluster is drawn with the letter's own composite glyph instead, which
    looks the same. Only the Unicode text behind the glyphs and these two letters' glyphs differ from
    what fpdf2 would write.
    """

    __slots__ = ()

    def _shaped_glyphs(self, text, font_size_pt, text_shaping_params):  # type: ignore[no-untyped-def]
        """Shape `text` and return (glyph id, text, x_advance, y_advance, x_offset, y_offset) per glyph."""
        glyph_infos, glyph_positions = self.perform_harfbuzz_shaping(text, font_size_pt, text_shaping_params)

        starts = sorted({int(info.cluster) for info in glyph_infos})
        ends = starts[1:] + [len(text)]
        cluster_text = {start: text[start:end] for start, end in zip(starts, ends, strict=True)}
        cluster_text[starts[0]] = text[: starts[0]] + cluster_text[starts[0]]

        clusters: list[tuple[int, list[int]]] = []  # in glyph order
        for index, info in enumerate(glyph_infos):
            cluster = int(info.cluster)
            if clusters and clusters[-1][0] == cluster:
                clusters[-1][1].append(index)
            else:
                clusters.append((cluster, [index]))

        glyphs = []
        for cluster, indexes in clusters:
            characters = cluster_text[cluster]
            positions = [glyph_positions[index] for index in indexes]
            if len(indexes) > len(characters) and len(characters) == 1 and ord(characters) in self.cmap:
                glyph_id = self.ttfont.getGlyphID(self.cmap[ord(characters)])
                advance = sum(position.x_advance for position in positions)
                glyphs.append((glyph_id, characters, advance, 0, 0, 0))
                continue
            if len(indexes) <= len(characters):
                parts = list(characters[: len(indexes) - 1]) + [characters[len(indexes) - 1 :]]
            else:
                parts = [characters] + [""] * (len(indexes) - 1)
            for index, part, position in zip(indexes, parts, positions, strict=True):
                glyphs.append(
                    (
                        glyph_infos[index].codepoint,
                        part,
                        position.x_advance,
                        position.y_advance,
                        position.x_offset,
                        position.y_offset,
                    )
                )
        return glyphs

    # NOTE: this replaces TTFFont.shape_text of fpdf2 2.8 and relies on its internals:
    # perform_harfbuzz_shaping, cmap, subset.get_glyph, subset.pick_glyph and scale.
    # The PDF text tests fail if a later fpdf2 changes them.
    def shape_text(self, text, font_size_pt, text_shaping_params):  # type: ignore[no-untyped-def]
        if len(text) == 0:
            return []
        text_info = []
        for glyph_id, glyph_text, x_advance, y_advance, x_offset, y_offset in self._shaped_glyphs(
            text, font_size_pt, text_shaping_params
        ):
            glyph_name = self.ttfont.getGlyphName(glyph_id)
            glyph_width = round(self.scale * self.ttfont["hmtx"].metrics[glyph_name][0])
            glyph = self.subset.get_glyph(
                glyph=glyph_id,
                unicode=tuple(ord(character) for character in glyph_text),
                glyph_name=glyph_name,
                glyph_width=glyph_width,
            )
            if glyph is None:
                continue
            force_positioning = glyph_width != x_advance or x_offset != 0 or y_offset != 0 or y_advance != 0
            text_info.append(
                {
                    "mapped_char": self.subset.pick_glyph(glyph),
                    "x_advance": x_advance,
                    "y_advance": y_advance,
                    "x_offset": x_offset,
                    "y_offset": y_offset,
                    "force_positioning": force_positioning,
                }
            )
        return text_info
