"""Generate the text-measuring table of the font bundled for drawing (``pyfaceapi/draw/fonts/``).

pyfaceapi lays out text (the width of a label's background, say) in its numpy-free core, without Pillow,
so that a display list comes out identical in CPython and in Pyodide. It measures a string as a browser's
``CanvasRenderingContext2D.measureText`` does with the same font: HarfBuzz shaping reduced to what matters
for Latin text in DejaVu Sans:

- the advance width of each character's glyph (``hmtx``, through the ``cmap``);
- in text of the Latin script, the standard ligatures (``liga``: ff, fi, fl, ffi, ffl) and the pair
  kerning of the ``kern`` feature of the ``latn`` script (GPOS pair adjustments, class or glyph pairs);
- in text without a Latin letter (digits and punctuation, e.g. a score ``0.97``), the ``kern`` feature of
  the ``DFLT`` script (for the characters covered here, it has no pairs).

Everything is in font units (integers), so the width in pixels is ``units * size / unitsPerEm``: the same
double in Python and in JavaScript.

Run (needs fontTools; Pillow with libraqm to cross-check against HarfBuzz)::

    python -m venv /tmp/fontvenv && /tmp/fontvenv/bin/pip install fonttools pillow
    /tmp/fontvenv/bin/python tools/font_metrics.py            # writes pyfaceapi/draw/fonts/*.metrics.json
    /tmp/fontvenv/bin/python tools/font_metrics.py --check    # only compare the stored table with HarfBuzz

The font itself is Debian's ``fonts-dejavu-core`` ``DejaVuSans.ttf``, copied into the package with its
licence (``LICENSE.DejaVu``, the Bitstream Vera licence; DejaVu's changes are in the public domain).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FONT_DIR = ROOT / "pyfaceapi" / "draw" / "fonts"
FONT_FILE = FONT_DIR / "DejaVuSans.ttf"
OUT_FILE = FONT_DIR / "DejaVuSans.metrics.json"

# Kerning and ligatures are tabulated for Basic Latin .. Latin Extended-B; advances for every mapped character.
KERNING_RANGE = (0x20, 0x24F)
LIGATURES = ("ffi", "ffl", "ff", "fi", "fl")  # longest first, as the font's ligature lookup tries them


def is_latin_letter(cp: int) -> bool:
    """Characters of the Unicode script Latin within ``KERNING_RANGE`` (what makes HarfBuzz use ``latn``)."""
    return (
        0x41 <= cp <= 0x5A or 0x61 <= cp <= 0x7A or cp in (0xAA, 0xBA)
        or (0xC0 <= cp <= 0x24F and cp not in (0xD7, 0xF7))
    )


def _feature_lookups(table: Any, script_tag: str, feature_tag: str) -> list[int]:
    """Lookup indices of ``feature_tag`` in the default language system of ``script_tag``."""
    for record in table.ScriptList.ScriptRecord:
        if record.ScriptTag == script_tag:
            lookups: list[int] = []
            for index in record.Script.DefaultLangSys.FeatureIndex:
                feature = table.FeatureList.FeatureRecord[index]
                if feature.FeatureTag == feature_tag:
                    lookups += feature.Feature.LookupListIndex
            return sorted(lookups)
    raise SystemExit(f"font has no script {script_tag!r}")


def _pair_adjustments(gpos: Any, lookup_index: int, glyphs: set[str]) -> dict[tuple[str, str], int]:
    """x-advance adjustments of the first glyph of each pair in ``glyphs`` x ``glyphs`` (one PairPos lookup).

    Within a lookup the first subtable whose coverage holds the first glyph decides, as in HarfBuzz.
    """
    lookup = gpos.LookupList.Lookup[lookup_index]
    out: dict[tuple[str, str], int] = {}
    decided: set[str] = set()
    for raw in lookup.SubTable:
        sub = raw.ExtSubTable if lookup.LookupType == 9 else raw
        if (sub.LookupType if lookup.LookupType == 9 else lookup.LookupType) != 2:
            raise SystemExit(f"lookup {lookup_index} is not a pair adjustment")
        for i, first in enumerate(sub.Coverage.glyphs):
            if first not in glyphs or first in decided:
                continue
            decided.add(first)
            if sub.Format == 1:
                for record in sub.PairSet[i].PairValueRecord:
                    value = getattr(record.Value1, "XAdvance", 0) if record.Value1 else 0
                    if record.SecondGlyph in glyphs and value:
                        out[first, record.SecondGlyph] = value
            else:
                row = sub.Class1Record[sub.ClassDef1.classDefs.get(first, 0)]
                for second in glyphs:
                    value1 = row.Class2Record[sub.ClassDef2.classDefs.get(second, 0)].Value1
                    value = getattr(value1, "XAdvance", 0) if value1 else 0
                    if value:
                        out[first, second] = value
    return out


def build_table(font_path: Path) -> dict[str, Any]:
    from fontTools import version as fonttools_version
    from fontTools.ttLib import TTFont

    font = TTFont(font_path)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"].metrics
    gpos = font["GPOS"].table
    gsub = font["GSUB"].table

    # advances of every mapped BMP character, as runs of consecutive code points
    runs: list[list[Any]] = []
    for cp in sorted(c for c in cmap if c <= 0xFFFF):
        advance = hmtx[cmap[cp]][0]
        if runs and runs[-1][0] + len(runs[-1][1]) == cp:
            runs[-1][1].append(advance)
        else:
            runs.append([cp, [advance]])

    # Latin ligatures: check the font really forms them (liga of latn) and take their glyphs' advances
    char_of = {glyph: chr(cp) for cp, glyph in sorted(cmap.items(), reverse=True)}  # lowest code point wins
    liga_glyph: dict[str, str] = {}
    for index in _feature_lookups(gsub, "latn", "liga"):
        for sub in gsub.LookupList.Lookup[index].SubTable:
            for first, ligatures in getattr(sub, "ligatures", {}).items():
                for lig in ligatures:
                    text = "".join(char_of.get(name, "\0") for name in (first, *lig.Component))
                    if text in LIGATURES:
                        liga_glyph.setdefault(text, lig.LigGlyph)
    if set(liga_glyph) != set(LIGATURES):
        raise SystemExit(f"unexpected Latin ligatures: {sorted(liga_glyph)}")

    # pair kerning among the tabulated characters and ligatures, per script's kern lookups (additive)
    token_glyph = {chr(cp): cmap[cp] for cp in range(KERNING_RANGE[0], KERNING_RANGE[1] + 1) if cp in cmap}
    token_glyph.update(liga_glyph)
    glyph_token = {g: t for t, g in token_glyph.items()}
    glyphs = set(token_glyph.values())

    def kerning(script: str) -> dict[str, dict[str, int]]:
        total: dict[tuple[str, str], int] = {}
        for index in _feature_lookups(gpos, script, "kern"):
            for pair, value in _pair_adjustments(gpos, index, glyphs).items():
                total[pair] = total.get(pair, 0) + value
        nested: dict[str, dict[str, int]] = {}
        for (first, second), value in sorted(total.items()):
            if value:
                nested.setdefault(glyph_token[first], {})[glyph_token[second]] = value
        return nested

    notdef = font.getGlyphOrder()[0]
    return {
        "schema": "pyfaceapi-font-metrics/1",
        "family": font["name"].getDebugName(1),
        "version": font["name"].getDebugName(5),
        "file": font_path.name,
        "sha256": hashlib.sha256(font_path.read_bytes()).hexdigest(),
        "generator": f"tools/font_metrics.py (fontTools {fonttools_version})",
        "unitsPerEm": font["head"].unitsPerEm,
        "ascender": font["hhea"].ascent,
        "descender": font["hhea"].descent,
        "missingAdvance": hmtx[notdef][0],
        "kerningRange": list(KERNING_RANGE),
        "ligatures": {text: hmtx[glyph][0] for text, glyph in sorted(liga_glyph.items())},
        "kerning": {"latn": kerning("latn"), "DFLT": kerning("DFLT")},
        "advances": runs,
    }


def check_against_harfbuzz(font_path: Path) -> int:
    """Compare the stored table's widths with HarfBuzz's (Pillow with libraqm) at 2048 px = 1 px per unit."""
    sys.path.insert(0, str(ROOT))
    from PIL import ImageFont, features

    from pyfaceapi.draw.text import text_width_units

    if not features.check("raqm"):
        print("Pillow has no libraqm (HarfBuzz): cannot cross-check", file=sys.stderr)
        return 2
    font = ImageFont.truetype(str(font_path), 2048, layout_engine=ImageFont.Layout.RAQM)
    labels = ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"]
    rng = random.Random(6)
    alphabet = [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0xC0, 0x17F)]
    samples = [f"{label} ({p})" for label in labels for p in ("0.03", "0.5", "1", "0.99", "0.1")]
    samples += ["0.97", "1", "0", "0.12", "office fluff affix", "AV Ty Wo LT P. F. Y, r. f."]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))) for _ in range(3000)]
    bad = 0
    for text in samples:
        ours = text_width_units(text)
        theirs = font.getlength(text)
        if abs(ours - theirs) > 1e-9:
            bad += 1
            if bad <= 20:
                print(f"MISMATCH {text!r}: table {ours} HarfBuzz {theirs}")
    print(f"{len(samples) - bad}/{len(samples)} strings measure as HarfBuzz does")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--font", type=Path, default=FONT_FILE)
    parser.add_argument("--out", type=Path, default=OUT_FILE)
    parser.add_argument("--check", action="store_true", help="only cross-check the stored table with HarfBuzz")
    args = parser.parse_args(argv)
    if not args.check:
        table = build_table(args.font)
        args.out.write_text(json.dumps(table, separators=(",", ":"), ensure_ascii=True) + "\n")
        print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")
    return check_against_harfbuzz(args.font)


if __name__ == "__main__":
    raise SystemExit(main())
