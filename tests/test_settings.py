"""Settings: defaults, round trip, warnings with file:line, atomic private saves, no secrets."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tui import settings as st
from tui.errors import ConfigError
from tui.logsetup import clear_registered_secrets, register_secret
from tui.settings import Settings, config_path, load_settings, save_settings, update


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults() -> None:
    s = Settings()
    assert s.ui.theme == "eventdeck-dark"
    assert s.ui.color == "auto"
    assert s.workers.pool_size == 4
    assert s.aws.max_attempts == 5
    assert s.codecatalyst.default_range == "24h"
    assert s.aws.profile is None and s.aws.region is None
    for pane, maximum in st.PAGE_SIZE_MAX.items():
        assert 1 <= getattr(s.pages, pane) <= maximum
    assert s.keymap == {} and s.recent.sources == ()


def test_config_path_precedence(monkeypatch: pytest.MonkeyPatch, isolated_dirs: Path) -> None:
    default = config_path(None)
    assert default == isolated_dirs / "config" / "eventdeck" / "config.toml"
    monkeypatch.setenv("EVENTDECK_CONFIG", "~/from-env.toml")
    assert config_path(None) == isolated_dirs / "from-env.toml"
    assert config_path("/tmp/cli.toml") == Path("/tmp/cli.toml")


def test_missing_file_gives_defaults_silently(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "nope.toml") == (Settings(), [])


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "config.toml"
    s = update(
        Settings(),
        **{
            "aws.profile": "triage",
            "aws.region": "eu-west-1",
            "ui.theme": "eventdeck-light",
            "ui.color": "off",
            "pages.codecatalyst": 250,
            "workers.pool_size": 8,
            "codecatalyst.default_range": "7d",
            "export.directory": "~/exports",
        },
        keymap={"app.quit": "ctrl+q", "pane.refresh": "f5,ctrl+r"},
    )
    s = st.remember_source(s, "aws.partner/acme/orders")
    s = st.remember_user_id(s, "triage", "user-1")
    s = st.remember_export_path(s, tmp_path / "out.jsonl")
    save_settings(s, path)
    loaded, warnings = load_settings(path)
    assert warnings == []
    assert loaded == s
    # Only non-default values are written.
    data = tomllib.loads(path.read_text())
    assert "max_attempts" not in data["aws"] and "ivs" not in data["pages"]


def test_saving_defaults_writes_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_settings(Settings(), path)
    assert path.read_text() == ""
    assert load_settings(path) == (Settings(), [])


def test_broken_toml_gives_defaults_one_warning_and_is_never_rewritten(tmp_path: Path) -> None:
    text = '[ui]\ntheme = "eventdeck-light"\n\n[workers]\npool_size = = 3\n'
    path = _write(tmp_path / "cfg" / "config.toml", text)
    settings, warnings = load_settings(path)
    assert settings == Settings()
    assert len(warnings) == 1
    assert f"{path}:5:" in warnings[0]
    assert "not valid TOML" in warnings[0]
    with pytest.raises(ConfigError) as err:
        save_settings(update(settings, **{"ui.theme": "eventdeck-16"}), path)
    assert "never overwrites" in str(err.value)
    assert path.read_text() == text
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no temp file left behind


def test_unknown_keys_and_wrong_types_warn_with_line_and_key(tmp_path: Path) -> None:
    text = (
        "# eventdeck\n"  # 1
        "[ui]\n"  # 2
        'them = "eventdeck-light"\n'  # 3
        "color = 3\n"  # 4
        "\n"  # 5
        "[pages]\n"  # 6
        "ivs = 500\n"  # 7
        "codecatalyst = 200\n"  # 8
        "[workers]\n"  # 9
        'pool_size = "four"\n'  # 10
        "[codecatalyst]\n"  # 11
        'default_range = "90d"\n'  # 12
        "[bogus]\n"  # 13
        "x = 1\n"  # 14
        "[aws]\n"  # 15
        'profile = "dev"\n'  # 16
    )
    path = _write(tmp_path / "config.toml", text)
    settings, warnings = load_settings(path)
    assert settings.aws.profile == "dev"
    assert settings.pages.codecatalyst == 200  # valid values in a section with bad ones survive
    assert settings.pages.ivs == Settings().pages.ivs
    assert settings.workers.pool_size == 4
    assert settings.ui.color == "auto"
    expected = {
        3: "ui.them",
        4: "ui.color",
        7: "pages.ivs",
        10: "workers.pool_size",
        12: "codecatalyst.default_range",
        13: "bogus",
    }
    assert len(warnings) == len(expected)
    for line, key in expected.items():
        assert any(w.startswith(f"{path}:{line}: {key}:") for w in warnings), (line, warnings)


def test_dotted_and_inline_tables_are_located(tmp_path: Path) -> None:
    text = 'ui.colour = "off"\npages = { ivs = 0 }\n'
    path = _write(tmp_path / "config.toml", text)
    _, warnings = load_settings(path)
    assert any(w.startswith(f"{path}:1: ui.colour:") for w in warnings)
    assert any(w.startswith(f"{path}:2: pages.ivs:") for w in warnings)


def test_section_that_is_not_a_table(tmp_path: Path) -> None:
    path = _write(tmp_path / "config.toml", 'ui = "dark"\n')
    settings, warnings = load_settings(path)
    assert settings == Settings()
    assert len(warnings) == 1 and warnings[0].startswith(f"{path}:1: ui:")


def test_secret_keys_are_refused_on_load_and_dropped_on_save(tmp_path: Path) -> None:
    text = (
        "[aws]\n"
        'profile = "dev"\n'
        'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG"\n'
        'session_token = "FwoGZXIvYXdzE"\n'
        "[credentials]\n"
        'password = "hunter22"\n'
    )
    path = _write(tmp_path / "config.toml", text)
    settings, warnings = load_settings(path)
    assert settings.aws.profile == "dev"
    assert len(warnings) == 3
    assert all("secret" in w for w in warnings)
    assert any(w.startswith(f"{path}:3: aws.aws_secret_access_key") for w in warnings)
    save_settings(update(settings, **{"aws.region": "us-west-2"}), path)
    saved = path.read_text()
    for secret in ("wJalrXUtnFEMI", "FwoGZXIvYXdzE", "hunter22"):
        assert secret not in saved


def test_update_refuses_secret_keys_and_bad_values() -> None:
    with pytest.raises(ValueError, match="secret"):
        update(Settings(), **{"aws.secret_access_key": "x"})
    with pytest.raises(ValueError, match="secret"):
        update(Settings(), keymap={"token": "ctrl+t"})
    with pytest.raises(ValueError, match="pool_size"):
        update(Settings(), **{"workers.pool_size": 0})
    with pytest.raises(ValueError, match="unknown"):
        update(Settings(), **{"ui.font": "x"})
    with pytest.raises(ValueError, match="30 days"):
        update(Settings(), **{"codecatalyst.default_range": "31d"})


def test_registered_secret_values_are_never_saved(tmp_path: Path) -> None:
    token = "aoaFAKEbearerTOKENvalue123"
    register_secret(token)
    try:
        s = st.remember_source(Settings(), f"source-with-{token}")
        with pytest.raises(ConfigError, match="secret"):
            save_settings(s, tmp_path / "config.toml")
        assert not (tmp_path / "config.toml").exists()
    finally:
        clear_registered_secrets()


def test_save_is_atomic_private_and_keeps_the_users_unknown_entries(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "cfg" / "config.toml",
        '[ui]\nthem = "typo"\ncolor = 3\n[bogus]\nx = 1\n[aws]\nprofile = "dev"\n',
    )
    path.chmod(0o644)
    settings, _ = load_settings(path)
    inode_before = path.stat().st_ino
    save_settings(update(settings, **{"ui.theme": "eventdeck-16"}), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.stat().st_ino != inode_before  # replaced, not rewritten in place
    data = tomllib.loads(path.read_text())
    assert data["ui"] == {"them": "typo", "color": 3, "theme": "eventdeck-16"}
    assert data["bogus"] == {"x": 1}
    assert data["aws"] == {"profile": "dev"}
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]


def test_save_follows_a_symlinked_config(tmp_path: Path) -> None:
    real = _write(tmp_path / "dotfiles" / "eventdeck.toml", "")
    link = tmp_path / "cfg" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(real)
    save_settings(update(Settings(), **{"ui.theme": "eventdeck-light"}), link)
    assert link.is_symlink()
    assert "eventdeck-light" in real.read_text()


def test_save_failure_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "cfg" / "config.toml", '[ui]\ntheme = "eventdeck-light"\n')

    def boom(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        save_settings(update(Settings(), **{"ui.theme": "eventdeck-16"}), path)
    assert path.read_text() == '[ui]\ntheme = "eventdeck-light"\n'
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]


def test_recent_values_are_most_recent_first_deduplicated_and_capped() -> None:
    s = Settings()
    for n in range(st.RECENT_SOURCES_CAP + 5):
        s = st.remember_source(s, f"src-{n}")
    s = st.remember_source(s, "src-10")
    assert s.recent.sources[0] == "src-10"
    assert len(s.recent.sources) == st.RECENT_SOURCES_CAP
    assert s.recent.sources.count("src-10") == 1
    s = st.remember_user_id(s, "a", "u1")
    s = st.remember_user_id(s, "a", "u2")
    s = st.remember_user_id(s, None, "u3")
    s = st.remember_user_id(s, "a", "u1")
    assert s.recent.user_ids == {"a": ("u1", "u2"), "default": ("u3",)}
    assert next(iter(s.recent.user_ids)) == "a"


def test_keymap_update_sets_and_clears() -> None:
    s = update(Settings(), keymap={"quit": "ctrl+q", "help": "f1"})
    s = update(s, keymap={"help": ""})
    assert s.keymap == {"quit": "ctrl+q"}


def test_parse_range() -> None:
    assert st.parse_range("30m").total_seconds() == 1800
    assert st.parse_range("24h").days == 1
    assert st.parse_range("30d").days == 30
    for bad in ("0h", "1w", "h", "", "31d"):
        with pytest.raises(ValueError):
            st.parse_range(bad)


def test_settings_module_does_not_import_textual() -> None:
    code = (
        "import sys, tui.settings, tui.keymap, tui.logsetup; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]; "
        "sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_saved_views_round_trip_and_bad_ones_warn(tmp_path: Path) -> None:
    """Views saved by name per table come back as saved; a malformed one is a warning, not a crash."""
    from tui.settings import SavedView, remember_view

    path = tmp_path / "config.toml"
    path.write_text('[ui]\ntheme = "eventdeck-dark"\n[unknown]\nkeep = 1\n')
    view = SavedView(
        "operationType=='MUTATION'; col u = userIdentity.userName", "time", True, ("ip",), "7d"
    )
    settings = remember_view(Settings(), "codecatalyst/time+event", "mutations", view)
    save_settings(settings, path)
    loaded, warnings = load_settings(path)
    assert [w for w in warnings if "views" in w.split(":")[-2]] == []
    assert loaded.views == {"codecatalyst/time+event": {"mutations": view}}
    assert "keep = 1" in path.read_text()
    # Deleting the last view removes the table.
    save_settings(remember_view(loaded, "codecatalyst/time+event", "mutations", None), path)
    assert load_settings(path)[0].views == {}
    path.write_text('[views."ivs/x"]\nbad = { sort = 3 }\ngood = { query = "a" }\n')
    loaded, warnings = load_settings(path)
    assert loaded.views == {"ivs/x": {"good": SavedView("a")}}
    assert len(warnings) == 1 and "views.ivs/x.bad" in warnings[0]
