"""docs/hosting.md's daily rebuild and CI files are valid, and their commands work when
run as written (with a test folder in place of /srv/harbour-lane), in a fresh copy of
the repository installed as README.md says."""

from __future__ import annotations

import configparser
import datetime as dt
import os
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from deploykit import REPO, SERVER_DIR, documented_blocks, sh

THIS = "tests/workflow/test_hosting_docs.py"
CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\d+(-\d+)?))*$")


def blocks(language: str) -> list[str]:
    return [text for lang, text in documented_blocks("docs/hosting.md", THIS) if lang == language]


def valid_cron(schedule: str) -> bool:
    fields = schedule.split()
    limits = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
    if len(fields) != 5 or not all(CRON_FIELD.match(f) for f in fields):
        return False
    numbers = [[int(n) for n in re.findall(r"\d+", f.split("/")[0])] for f in fields]
    return all(lo <= n <= hi for ns, (lo, hi) in zip(numbers, limits, strict=True) for n in ns)


def on_path(clone: Path) -> dict[str, str]:
    """The environment of a CI job that has just run `pip install .`: storysite on PATH."""
    return {"PATH": f"{clone / '.venv/bin'}{os.pathsep}{os.environ['PATH']}"}


def test_every_recipe_is_in_the_docs() -> None:
    found = [lang for lang, _ in documented_blocks("docs/hosting.md", THIS)]
    assert found == ["toml", "yaml", "cron", "ini", "ini", "yaml", "yaml"]


def test_the_cron_lines_build_daily_and_report_only_a_missed_build(installed_clone: Path) -> None:
    [block] = blocks("cron")
    jobs = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert len(jobs) == 2 and "%" not in block  # cron turns % into a new line
    parsed = [line.split(None, 6) for line in jobs]
    assert [p[5] for p in parsed] == ["storysite", "storysite"]
    assert all(valid_cron(" ".join(p[:5])) for p in parsed)
    assert " ".join(parsed[0][:5]) == "5 0 * * *"
    build, check = (p[6].replace(SERVER_DIR, str(installed_clone)) for p in parsed)
    done = sh(build, installed_clone)
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""
    today = dt.date.today().isoformat()
    assert f"built: {today}\n" in (installed_clone / "output/.storysite").read_text()
    quiet = sh(check, installed_clone)
    assert quiet.returncode == 0 and quiet.stdout == "", quiet.stdout
    # A build that ran yesterday, before a consent that ends today: the check speaks.
    story = installed_clone / "stories/2020-01-01-ends-today.md"
    story.write_text(
        f"---\ntitle: Ends today\ndate: 2020-01-01\nconsent:\n  publish: true\n"
        f"  date: 2020-01-01\n  expires: {today}\n---\nA short story.\n"
    )
    yesterday = dt.date.today() - dt.timedelta(days=1)
    try:
        old = sh(
            f".venv/bin/storysite build --site . --output output --today {yesterday}",
            installed_clone,
        )
        assert old.returncode == 0, old.stderr
        missed = sh(check, installed_clone)
        assert missed.returncode == 0  # `|| cat check.log`: what cron mails is the output
        assert '"Ends today" (stories/ends-today/) came off the website on ' in missed.stdout
        assert sh(build, installed_clone).returncode == 0
        assert sh(check, installed_clone).stdout == ""
    finally:
        story.unlink()
        sh(build, installed_clone)


def read_unit(text: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=True)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string(text)
    return unit


def test_the_systemd_units_are_valid_and_their_command_works(installed_clone: Path) -> None:
    service_text, timer_text = blocks("ini")
    assert service_text.startswith("# /etc/systemd/system/storysite-build.service\n")
    assert timer_text.startswith("# /etc/systemd/system/storysite-build.timer\n")
    service, timer = read_unit(service_text), read_unit(timer_text)
    assert set(service.sections()) == {"Unit", "Service"}
    run = service["Service"]
    assert run["Type"] == "oneshot" and run["UMask"] == "0022" and run["User"] == "storysite"
    assert run["WorkingDirectory"] == SERVER_DIR
    assert run["ExecStart"].startswith(f"{SERVER_DIR}/.venv/bin/storysite build ")
    assert timer["Timer"]["OnCalendar"] == "*-*-* 00:05:00"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"
    command = run["ExecStart"].replace(SERVER_DIR, str(installed_clone))
    done = sh(command, installed_clone)  # umask 022, as UMask=0022
    assert done.returncode == 0 and done.stdout == "", done.stderr
    assert (installed_clone / "output/index.html").stat().st_mode & 0o777 == 0o644
    assert (installed_clone / "output").stat().st_mode & 0o777 == 0o755


def steps_of(workflow: dict[object, object], job: str) -> list[dict[str, object]]:
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict)
    steps = jobs[job]["steps"]
    assert isinstance(steps, list)
    return steps


def test_the_github_pages_workflow_builds_daily(installed_clone: Path) -> None:
    pages = yaml.safe_load(blocks("yaml")[0])
    triggers = pages[True]  # YAML 1.1 reads the key `on` as true
    assert [s["cron"] for s in triggers["schedule"]] == ["5 0 * * *"]
    assert valid_cron(triggers["schedule"][0]["cron"])
    steps = steps_of(pages, "build")
    runs = [str(s["run"]) for s in steps if "run" in s]
    assert runs == ["python -m pip install .", "storysite build --site . --output output"]
    upload = [
        s for s in steps if str(s.get("uses", "")).startswith("actions/upload-pages-artifact")
    ]
    assert upload[0]["with"] == {"path": "output"}
    assert steps_of(pages, "deploy")[0]["uses"] == "actions/deploy-pages@v4"
    env = on_path(installed_clone)
    for command in runs:
        done = sh(command.replace("python ", ".venv/bin/python ", 1), installed_clone, env)
        assert done.returncode == 0, (command, done.stderr)
    assert (installed_clone / "output/index.html").is_file()


def test_the_gitlab_pages_job_builds_on_a_schedule(installed_clone: Path) -> None:
    gitlab = yaml.safe_load(blocks("yaml")[1])
    job = gitlab["pages"]
    assert job["artifacts"] == {"paths": ["public"]}
    assert {"if": '$CI_PIPELINE_SOURCE == "schedule"'} in job["rules"]
    assert job["script"][0] == "python -m pip install ."
    env = on_path(installed_clone)
    try:
        for command in job["script"][1:]:  # storysite is installed (README.md)
            done = sh(command, installed_clone, env)
            assert done.returncode == 0, (command, done.stderr)
        assert (installed_clone / "public/index.html").is_file()
    finally:
        for folder in ("public", "public.previous"):
            sh(f"rm -rf {folder}", installed_clone)


def test_netlify_builds_with_the_documented_command(installed_clone: Path) -> None:
    [config] = blocks("toml")
    netlify = tomllib.loads(config)
    assert netlify["build"]["publish"] == "output"
    version = netlify["build"]["environment"]["PYTHON_VERSION"]
    assert tuple(int(n) for n in version.split(".")) >= (3, 11)
    command = netlify["build"]["command"]
    assert command == "python3 -m pip install . && storysite build --site . --output output"
    done = sh(
        command.replace("python3 ", ".venv/bin/python ", 1),
        installed_clone,
        on_path(installed_clone),
    )
    assert done.returncode == 0, done.stderr
    assert (installed_clone / "output/_headers").is_file()


def test_the_netlify_build_hook_is_called_daily() -> None:
    hook = yaml.safe_load(blocks("yaml")[2])
    assert [s["cron"] for s in hook[True]["schedule"]] == ["5 0 * * *"]
    [step] = steps_of(hook, "build-hook")
    assert step["run"] == "curl --fail --silent --show-error -X POST -d '{}' \"$HOOK\""
    assert step["env"] == {"HOOK": "${{ secrets.NETLIFY_BUILD_HOOK }}"}


def anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives a document's headings."""
    found = set()
    for heading in re.findall(r"^#+ (.+)$", markdown, re.MULTILINE):
        text = re.sub(r"[`*]", "", heading).strip().lower()
        found.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return found


@pytest.mark.parametrize(
    "document", ["README.md", *(f"docs/{p.name}" for p in sorted((REPO / "docs").glob("*.md")))]
)
def test_cross_references_point_at_headings_that_exist(document: str) -> None:
    """No "STORY-FORMAT.md, section 4": links name a heading of a document in the repo."""
    path = REPO / document
    text = path.read_text()
    assert not re.search(r"STORY-FORMAT\.md, section", text)
    for target, anchor in re.findall(r"\]\(([\w./-]*\.md|)#([\w-]+)\)", text):
        linked = (path.parent / target) if target else path
        assert linked.is_file(), (document, target)
        assert anchor in anchors(linked.read_text()), (document, target, anchor)
