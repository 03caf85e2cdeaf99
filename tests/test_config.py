"""[tool.safe-find]: every key, every value, every error, and the schema that agrees with them."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import Link, make_tree, run

from safe_find import ConfigError, Settings, load_settings
from safe_find._config import CHOICES, DEFAULTS, settings_from_table
from safe_find._schema import schema

FILE = "/p/pyproject.toml"


def write_pyproject(root: Path, table: str) -> Path:
    (root / "pyproject.toml").write_text(f'[project]\nname = "demo"\nversion = "1"\n\n{table}\n')
    return root / "pyproject.toml"


# -- good values ---------------------------------------------------------------------


@pytest.mark.parametrize(("key", "value"), [(key, value) for key, values in CHOICES.items() for value in values])
def test_every_allowed_value_of_every_key_is_read(key: str, value: Any) -> None:
    settings = settings_from_table({key: value}, FILE, "/p")
    assert getattr(settings, key.replace("-", "_")) == value
    assert settings.source == FILE
    assert settings.project_root == "/p"


def test_defaults_are_the_first_choice_and_the_settings_defaults() -> None:
    assert DEFAULTS == {
        "enabled": True,
        "links": "follow",
        "on-loop": "warn",
        "outside-links": "warn",
        "on-fan-out": "error",
    }
    defaults = Settings()
    assert {key: getattr(defaults, key.replace("-", "_")) for key in CHOICES} == DEFAULTS


def test_a_full_table_from_a_file(tmp_path: Path) -> None:
    path = write_pyproject(
        tmp_path,
        '[tool.safe-find]\nenabled = true\nlinks = "once"\non-loop = "error"\noutside-links = "skip"\n',
    )
    settings = load_settings(str(tmp_path))
    assert settings == Settings(True, "once", "error", "skip", project_root=str(tmp_path), source=str(path))


def test_no_table_and_no_file_give_the_defaults(tmp_path: Path) -> None:
    assert load_settings(str(tmp_path)) == Settings(project_root=str(tmp_path), source="defaults")
    path = write_pyproject(tmp_path, "[tool.other]\nx = 1\n")
    assert load_settings(str(tmp_path)) == Settings(project_root=str(tmp_path), source=str(path))


def test_invalid_toml_is_left_for_setuptools_to_report(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "unterminated\n')
    assert load_settings(str(tmp_path)) == Settings(project_root=str(tmp_path))


def test_describe_uses_the_words_of_the_table() -> None:
    assert (
        Settings(on_loop="error").describe()
        == 'links = "follow", on-loop = "error", outside-links = "warn", on-fan-out = "error"'
    )


# -- errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [("on_loop", '"on-loop"'), ("On-Loop", '"on-loop"'), ("outside_link", '"outside-links"'), ("enable", '"enabled"')],
)
def test_a_misspelt_key_names_the_file_lists_the_keys_and_suggests_the_close_one(key: str, suggestion: str) -> None:
    with pytest.raises(ConfigError, match=r"has an unknown key .* Did you mean ") as caught:
        settings_from_table({key: "warn"}, FILE)
    error = caught.value
    assert (error.file, error.key, error.value, error.unknown_key) == (FILE, key, "warn", True)
    assert error.allowed == ("enabled", "links", "on-loop", "outside-links", "on-fan-out")
    assert error.suggestion == suggestion
    assert str(error) == (
        f'{FILE}: [tool.safe-find] has an unknown key "{key}". Did you mean {suggestion}? '
        "The keys are: enabled, links, on-loop, outside-links, on-fan-out. Rename or remove it."
    )


def test_an_unknown_key_far_from_every_key_gets_no_suggestion() -> None:
    with pytest.raises(ConfigError, match=r'unknown key "xyz"\. The keys are') as caught:
        settings_from_table({"xyz": 1}, FILE)
    assert caught.value.suggestion is None


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "links",
            "folow",
            r'links = "folow" is not allowed; use one of: "follow", "once", "never"\. Did you mean "follow"\?',
        ),
        (
            "on-loop",
            "stop",
            r'on-loop = "stop" is not allowed; use one of: "warn", "error", "ignore"\. Without the key',
        ),
        ("outside-links", "Error", r'outside-links = "Error" is not allowed; .* Did you mean "error"\?'),
        ("enabled", "yes", r'enabled = "yes" is a string, not a boolean; use one of: true, false\.'),
        ("enabled", 1, r"enabled = 1 is an integer, not a boolean; use one of: true, false\."),
        ("links", True, r'links = true is a boolean, not a string; use one of: "follow", "once", "never"\.'),
        ("on-loop", ["warn"], r'on-loop = \["warn"\] is an array, not a string'),
        ("outside-links", {"mode": "skip"}, r'outside-links = \{mode = "skip"\} is a table, not a string'),
    ],
)
def test_a_bad_value_names_key_value_and_allowed_values(key: str, value: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        settings_from_table({key: value}, FILE)
    error = caught.value
    assert (error.file, error.key, error.value, error.unknown_key) == (FILE, key, value, False)
    assert str(error).startswith(f"{FILE}: [tool.safe-find] {key} = ")
    assert str(error).endswith(f"Without the key, safe-find uses {json.dumps(DEFAULTS[key]).lower()}.")


def test_a_table_that_is_not_a_table_is_refused() -> None:
    with pytest.raises(ConfigError, match=r'tool\.safe-find = "on" is a string, not a table\. Write it as') as caught:
        settings_from_table("on", FILE)
    assert caught.value.key is None


def test_errors_from_a_file_name_that_file(tmp_path: Path) -> None:
    path = write_pyproject(tmp_path, '[tool.safe-find]\nlinks = "sometimes"\n')
    with pytest.raises(ConfigError, match='links = "sometimes" is not allowed') as caught:
        load_settings(str(tmp_path))
    assert caught.value.file == str(path)


def test_config_error_is_a_value_error_and_a_safe_find_error() -> None:
    from safe_find import SafeFindError

    assert issubclass(ConfigError, ValueError)
    assert issubclass(ConfigError, SafeFindError)


# -- the hook turns a ConfigError into setuptools' own SetupError -----------------------


def test_the_hook_raises_setuptools_setup_error_with_the_message(tmp_path: Path) -> None:
    from setuptools.errors import SetupError

    from safe_find._plugin import finalize_distribution_options

    write_pyproject(tmp_path, '[tool.safe-find]\non_loop = "error"\n')

    class Dist:
        src_root = str(tmp_path)

    with pytest.raises(SetupError, match=r'unknown key "on_loop"\. Did you mean "on-loop"\?') as caught:
        finalize_distribution_options(Dist())
    assert isinstance(caught.value.__cause__, ConfigError)


# -- the schema ----------------------------------------------------------------------

GOOD_TABLES: list[Any] = [
    {},
    {"enabled": False},
    {"links": "never", "on-loop": "ignore"},
    {"links": "once", "on-loop": "error", "outside-links": "error"},
    {"outside-links": "follow"},
]
BAD_TABLES: list[Any] = [
    {"on_loop": "warn"},
    {"links": "folow"},
    {"enabled": "yes"},
    {"enabled": 1},
    {"outside-links": ["skip"]},
    {"on-loop": 1.5},
    "enabled",
]


def test_schema_lists_the_same_keys_values_and_defaults_as_the_code() -> None:
    document = schema()
    assert document["$id"].startswith("https://")
    assert document["additionalProperties"] is False
    assert set(document["properties"]) == set(CHOICES)
    for key, choices in CHOICES.items():
        spec = document["properties"][key]
        assert spec["default"] == DEFAULTS[key]
        if spec["type"] == "boolean":
            assert choices == (True, False)
        else:
            assert spec["enum"] == list(choices)


@functools.cache
def _validator() -> Any:
    from validate_pyproject import api

    return api.Validator()


def _schema_accepts(table: Any) -> bool:
    from validate_pyproject import errors

    try:
        _validator()({"project": {"name": "demo", "version": "1"}, "tool": {"safe-find": table}})
    except errors.ValidationError:
        return False
    return True


def _code_accepts(table: Any) -> bool:
    try:
        settings_from_table(table, FILE)
    except ConfigError:
        return False
    return True


@pytest.mark.parametrize("table", GOOD_TABLES + BAD_TABLES, ids=repr)
def test_schema_and_code_agree(table: Any) -> None:
    assert _schema_accepts(table) == _code_accepts(table) == (table in GOOD_TABLES)


def test_the_entry_point_gives_validate_pyproject_the_schema() -> None:
    from importlib.metadata import entry_points

    found = entry_points()
    group = "validate_pyproject.tool_schema"
    points = found.select(group=group) if hasattr(found, "select") else found.get(group, [])  # a dict on 3.9
    mine = {point.value: point for point in points if point.name == "safe-find"}  # 3.9 may list a path twice
    assert list(mine) == ["safe_find._schema:schema"]
    assert mine["safe_find._schema:schema"].load()("safe-find") == schema()


@pytest.mark.parametrize(
    ("table", "code", "expected"),
    [
        ('[tool.safe-find]\nlinks = "once"\non-loop = "error"\n', 0, "Valid file"),
        ('[tool.safe-find]\non_loop = "error"\n', 1, "`tool.safe-find` must not contain {'on_loop'} properties"),
        ('[tool.safe-find]\nlinks = "folow"\n', 1, "`tool.safe-find.links` must be one of ['follow', 'once', 'never']"),
    ],
    ids=["good", "unknown-key", "bad-value"],
)
def test_validate_pyproject_command(tmp_path: Path, table: str, code: int, expected: str) -> None:
    path = write_pyproject(tmp_path, table)
    result = run([sys.executable, "-m", "validate_pyproject", path], check=False, timeout=120)
    assert result.returncode == code, result.stdout
    assert expected in result.stdout


def test_the_backend_wrapper_stops_with_the_message_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from safe_find import build_meta

    path = write_pyproject(tmp_path, '[tool.safe-find]\nlinks = "sometimes"\n')
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        build_meta.get_requires_for_build_wheel()
    assert exited.value.code == (
        f'error: {path}: [tool.safe-find] links = "sometimes" is not allowed; use one of: "follow", "once", "never". '
        'Without the key, safe-find uses "follow".'
    )


# -- each setting takes effect in setuptools' own discovery ---------------------------------


@pytest.mark.parametrize(
    ("table", "packages"),
    [
        ("", ["other", "pkg", "pkg.alias", "pkg.ext"]),
        ('links = "follow"', ["other", "pkg", "pkg.alias", "pkg.ext"]),
        ('links = "once"', ["other", "pkg", "pkg.ext"]),
        ('links = "never"', ["other", "pkg"]),
        ('outside-links = "follow"', ["other", "pkg", "pkg.alias", "pkg.ext"]),
        ('outside-links = "skip"', ["other", "pkg", "pkg.alias"]),
        ("enabled = false", ["other", "pkg", "pkg.alias", "pkg.ext"]),
    ],
)
def test_each_setting_read_from_the_file_changes_what_setuptools_finds(
    tmp_path: Path, table: str, packages: list[str]
) -> None:
    import setuptools

    from safe_find import _patches
    from safe_find._plugin import activate

    root = tmp_path / "proj"
    make_tree(tmp_path / "outside", {"extra": {"__init__.py": ""}})
    make_tree(
        root,
        {
            "src": {
                "other": {"__init__.py": ""},
                "pkg": {"__init__.py": "", "alias": Link("../other"), "ext": Link(str(tmp_path / "outside" / "extra"))},
            }
        },
    )
    write_pyproject(root, f"[tool.safe-find]\n{table}\n")
    try:
        runtime = activate(str(root))
        assert (runtime is None) == (table == "enabled = false")
        assert sorted(setuptools.find_packages(str(root / "src"))) == packages
    finally:
        _patches.uninstall()


def test_outside_links_error_stops_discovery_naming_the_link(tmp_path: Path) -> None:
    import setuptools

    from safe_find import LinkError, _patches
    from safe_find._plugin import activate

    make_tree(tmp_path / "elsewhere", {"extra": {"__init__.py": ""}})
    root = make_tree(tmp_path / "proj", {"pkg": {"__init__.py": "", "ext": Link(str(tmp_path / "elsewhere"))}})
    write_pyproject(root, '[tool.safe-find]\noutside-links = "error"\n')
    try:
        activate(str(root))
        with pytest.raises(LinkError, match=r'outside-links = "error" .* refuses 1 link:\n  pkg/ext -> ') as caught:
            setuptools.find_packages(str(root))
        assert [report.reason for report in caught.value.reports] == ["outside"]
    finally:
        _patches.uninstall()
