"""storysite init and storysite new, on real folders, through click and as a subprocess."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from click.testing import CliRunner
from sitekit import TODAY, MakeSite, all_text, run_build, run_subprocess

from storysite.cli import main
from storysite.config import load_config
from storysite.loading import CONSENT_KEYS, STORY_KEYS


def invoke(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def test_init_then_build_publishes_the_example_with_its_name_changed(tmp_path: Path) -> None:
    site = tmp_path / "new-site"
    result = CliRunner().invoke(main, ["init", str(site)])
    assert result.exit_code == 0, result.output
    assert (site / "storysite.toml").is_file()
    assert (site / "templates" / "README.md").is_file()
    assert list((site / "templates").iterdir()) == [site / "templates" / "README.md"]
    built = run_build(site)
    assert built.exit_code == 0, built.output
    assert "Published 1 story, held 0" in built.output
    pages = list((site / "output" / "stories").glob("*/index.html"))
    assert len(pages) == 1
    text = all_text(site / "output")
    assert "a peer support worker" in pages[0].read_text()
    assert "priya" not in text.lower() and "natarajan" not in text.lower()


def test_every_key_of_the_site_file_has_a_plain_english_note(tmp_path: Path) -> None:
    CliRunner().invoke(main, ["init", str(tmp_path / "s")])
    lines = (tmp_path / "s" / "storysite.toml").read_text().splitlines()
    keys = [
        number
        for number, line in enumerate(lines)
        if "=" in line and not line.startswith("# ") and line.lstrip("# ").split("=")[0].strip()
    ]
    assert len(keys) >= 5, lines  # the file really has keys to check
    for number in keys:
        assert lines[number - 1].startswith("#"), f"no note above {lines[number]!r}"


def test_init_refuses_to_overwrite_a_site(tmp_path: Path) -> None:
    site = tmp_path / "s"
    site.mkdir()
    (site / "storysite.toml").write_text('[site]\ntitle = "Mine"\n')
    result = CliRunner().invoke(main, ["init", str(site)])
    assert result.exit_code == 1
    assert "already" in result.output and "Traceback" not in result.output
    assert (site / "storysite.toml").read_text() == '[site]\ntitle = "Mine"\n'
    assert not (site / "stories").exists()


def test_init_and_build_as_subprocesses(tmp_path: Path) -> None:
    made = run_subprocess("init", "site", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    built = run_subprocess("build", "--site", "site", "--today", TODAY, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site" / "output" / "index.html").is_file()
    again = run_subprocess("init", "site", cwd=tmp_path)
    assert again.returncode == 1
    assert "already" in again.stderr and "Traceback" not in again.stderr


def test_new_story_is_dated_today_and_held_until_consent(make_site: MakeSite) -> None:
    site = make_site({})
    result = CliRunner().invoke(
        main, ["new", 'Zoë\'s: "first" workshop', "--site", str(site), "--today", TODAY]
    )
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip())
    assert path == site / "stories" / f"{TODAY}-zoes-first-workshop.md"
    front = yaml.safe_load(path.read_text().split("---")[1])
    assert front["title"] == 'Zoë\'s: "first" workshop'
    assert front["consent"]["publish"] is False
    assert front["people"][0]["named"] is False
    for line in path.read_text().split("---")[1].splitlines():
        if line.strip() and not line.strip().startswith("#"):
            assert "#" in line, f"no note beside {line!r}"
    shown = f"stories/{TODAY}-zoes-first-workshop.md"
    unfinished = run_build(site)
    assert unfinished.exit_code == 1
    assert unfinished.output.splitlines()[:2] == [
        f"{shown}:20: the person is still 'Firstname Lastname', as storysite new wrote it — "
        "write the real name of someone the story mentions, or remove this entry",
        f"{shown}:25: the story still says 'Write the story here.', as storysite new wrote it "
        "— write the story in its place (while it is being written, start the file name "
        "with _ and storysite leaves it alone)",
    ]
    assert not (site / "output").exists()
    text = path.read_text().replace("Firstname Lastname", "Ola Brennan")
    path.write_text(text.replace("Write the story here.", "Ola Brennan met me."))
    built = run_build(site)
    assert built.exit_code == 0, built.output
    assert "held 1" in built.output and "consent" in built.output
    assert not (site / "output" / "stories").exists()


def test_new_writes_every_field_with_the_optional_ones_commented(make_site: MakeSite) -> None:
    site = make_site({})
    result = CliRunner().invoke(main, ["new", "Low tide", "--site", str(site), "--today", TODAY])
    front = Path(result.output.strip()).read_text().split("---")[1]
    written = yaml.safe_load(front)
    assert set(written) == STORY_KEYS - {"slug", "authors", "image", "content_warning", "allow"}
    assert set(written["consent"]) == {"publish", "date"}
    assert set(written["people"][0]) == {"name", "named", "aliases", "shown_as"}
    uncommented = re.sub(r"(?m)^(\s*)# (?=[a-z_]+:)", r"\1", front)
    everything = yaml.safe_load(uncommented)
    assert set(everything) == STORY_KEYS
    assert set(everything["consent"]) == CONSENT_KEYS
    assert everything["consent"]["reference"] == "CF-2026-001"


def test_new_refuses_to_overwrite(make_site: MakeSite) -> None:
    site = make_site({})
    args = ["new", "Same title", "--site", str(site), "--today", TODAY]
    assert CliRunner().invoke(main, args).exit_code == 0
    path = site / "stories" / f"{TODAY}-same-title.md"
    path.write_text("mine")
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 1
    assert "already exists" in again.output
    assert path.read_text() == "mine"


def test_new_outside_a_site_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["new", "A title", "--site", str(tmp_path)])
    assert result.exit_code == 1
    assert "storysite init" in result.output
    assert not (tmp_path / "stories").exists()


def test_new_then_build_as_subprocesses(make_site: MakeSite) -> None:
    site = make_site({})
    made = run_subprocess("new", "My first week", "--site", str(site), "--today", TODAY)
    assert made.returncode == 0, made.stderr
    path = Path(made.stdout.strip())
    unfinished = run_subprocess("build", "--site", str(site), "--today", TODAY)
    assert unfinished.returncode == 1
    assert "Traceback" not in unfinished.stderr
    renamed = path.with_name("_" + path.name)  # being written: left alone
    path.rename(renamed)
    built = run_subprocess("build", "--site", str(site), "--today", TODAY)
    assert built.returncode == 0, built.stderr
    assert "Published 0 stories, held 0" in built.stdout


def test_every_commented_out_key_is_valid_when_switched_on(tmp_path: Path) -> None:
    CliRunner().invoke(main, ["init", str(tmp_path / "s")])
    path = tmp_path / "s" / "storysite.toml"
    lines = []
    for line in path.read_text().splitlines():
        body = line.removeprefix("# ")
        looks_like_toml = body.startswith("[") or re.match(r"^[a-z_]+ = ", body)
        lines.append(body if line.startswith("# ") and looks_like_toml else line)
    path.write_text("\n".join(lines) + "\n")
    config = load_config(tmp_path / "s")
    assert config.register[0].named is False
    assert config.privacy_url.startswith("https://")


def test_build_and_check_warn_while_base_url_is_inits_example(tmp_path: Path) -> None:
    site = tmp_path / "s"
    assert CliRunner().invoke(main, ["init", str(site)]).exit_code == 0
    warning = (
        "warning: storysite.toml: base_url is still the example address "
        "https://stories.example.org/ that storysite init wrote — set it to the address the "
        "site is served from; the feed, the sitemap and the not-found page use it"
    )
    built = run_build(site)
    checked = CliRunner().invoke(main, ["check", "--site", str(site), "--today", TODAY])
    assert built.exit_code == 0 and checked.exit_code == 0
    assert warning in built.output.splitlines()
    assert warning in checked.output.splitlines()
    toml = site / "storysite.toml"
    toml.write_text(
        toml.read_text().replace(
            "https://stories.example.org/", "https://stories.riverside.nhs.uk/"
        )
    )
    assert "warning" not in run_build(site).output
