"""Structure rules a grep can hold: styles only in .tcss files, colours only in theme sources.

Why: house rule 5 (DESIGN.md). Styles spread over DEFAULT_CSS blocks drift apart (the dialog CSS
was once written three times) and a colour written in code ignores the theme: it vanishes on a
light theme, in 16 colours and in monochrome. Theme sources are the only place for a colour:
themes/*.toml and tui/themes.py (the variable defaults and the monochrome theme).
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from textual.color import Color, ColorParseError

REPO = Path(__file__).resolve().parents[1]
TUI = REPO / "tui"
THEME_SOURCES = {TUI / "themes.py"}

HEX = re.compile(r"(?<![\w&])#(?:[0-9a-fA-F]{3}){1,2}(?:[0-9a-fA-F]{2})?(?![\w-])")
FUNCTION = re.compile(r"\b(?:rgba?|hsla?)\(")
STYLE_WORDS = {"bold", "dim", "italic", "underline", "underline2", "reverse", "strike", "blink"}
STYLE_WORDS |= {"not", "on", "b", "i", "u", "s", "r", "d", "none", "link", "frame", "encircle"}
DECLARATION = re.compile(r"([a-z-]+)\s*:\s*([^;{}]+);")


def is_colour_word(word: str) -> bool:
    """True for a colour name or literal Textual would parse (red, ansi_red, darkorange…)."""
    if word.startswith("$") or word in STYLE_WORDS or word.endswith("%"):
        return False
    try:
        Color.parse(word)
    except ColorParseError:
        return False
    return True


def python_files() -> list[Path]:
    return sorted(p for p in TUI.rglob("*.py") if p not in THEME_SOURCES)


def string_literals(path: Path) -> list[tuple[int, str]]:
    """(line, value) of every string literal in a Python file (comments and names excluded)."""
    found = []
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    for token in tokens:
        if token.type == tokenize.STRING:
            found.append((token.start[0], token.string))
    return found


def colour_in_style_string(value: str) -> bool:
    """A literal that reads as a Rich style with a colour in it: "bold red", "green on black"."""
    body = value.strip("rbfuRBFU").strip("\"'")
    words = body.split()
    if not 1 <= len(words) <= 6:
        return False
    if not all(w.lower() in STYLE_WORDS or is_colour_word(w) for w in words):
        return False
    return any(is_colour_word(w) for w in words)


def colour_literals_in_python(path: Path) -> list[str]:
    problems = []
    for line, value in string_literals(path):
        if HEX.search(value) or FUNCTION.search(value) or colour_in_style_string(value):
            problems.append(f"{path.relative_to(REPO)}:{line}: {value[:60]}")
    return problems


def colour_literals_in_tcss(path: Path, root: Path = REPO) -> list[str]:
    text = re.sub(r"/\*.*?\*/", "", (root / path).read_text(encoding="utf-8"), flags=re.S)
    problems = []
    for match in DECLARATION.finditer(text):
        value = match.group(2)
        literal = HEX.search(value) or FUNCTION.search(value)
        words = [w for w in re.split(r"[\s,]+", value) if w]
        if literal or any(is_colour_word(w) for w in words):
            line = text[: match.start()].count("\n") + 1
            problems.append(f"{path}:{line}: {match.group(0)}")
    return problems


def test_no_default_css_in_tui() -> None:
    """Every style lives in tui/ui/styles/*.tcss (the App's CSS_PATH), none in DEFAULT_CSS."""
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in python_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.match(r"\s*DEFAULT_CSS\s*[:=]", line)
    ]
    assert offenders == [], "move these styles to tui/ui/styles/*.tcss: " + ", ".join(offenders)


def test_no_colour_literal_in_code() -> None:
    """Python under tui/ names no colour (hex, rgb(), or a Rich style such as "bold red")."""
    problems = [p for path in python_files() for p in colour_literals_in_python(path)]
    assert problems == [], "use a theme variable instead:\n" + "\n".join(problems)


def test_no_colour_literal_in_stylesheets() -> None:
    """.tcss files take every colour from the theme ($primary, $text-muted, $eventdeck-*…)."""
    sheets = sorted(TUI.rglob("*.tcss"))
    assert sheets, "no stylesheet found under tui/"
    problems = [p for path in sheets for p in colour_literals_in_tcss(path.relative_to(REPO))]
    assert problems == [], "use a theme variable instead:\n" + "\n".join(problems)


def test_the_checks_catch_what_they_are_for(tmp_path: Path) -> None:
    """The detectors flag the forms they exist for, and leave theme variables and ids alone."""
    assert colour_in_style_string('"bold red"') and colour_in_style_string("'green'")
    assert colour_in_style_string('"yellow on black"') and not colour_in_style_string('"bold"')
    assert not colour_in_style_string('"Send the batch"') and not colour_in_style_string('"dim"')
    assert HEX.search("color: #e5566b") and HEX.search('"#fff"') and not HEX.search("#add-entry")
    assert FUNCTION.search("rgb(1, 2, 3)") and not HEX.search("&#123")
    assert is_colour_word("ansi_red") and not is_colour_word("$error") and not is_colour_word("1fr")
    sheet = tmp_path / "bad.tcss"
    sheet.write_text("#a-b { color: red; }\nX { background: #fff 50%; }\nY { color: $error; }\n")
    found = colour_literals_in_tcss(sheet.relative_to(tmp_path.parent), root=tmp_path.parent)
    assert len(found) == 2, found
