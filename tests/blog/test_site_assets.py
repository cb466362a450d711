"""A site's own files in ``templates/assets/``, folders inside it included, are
published under ``assets/`` at the same place; a hidden folder is not, and the final
check reads each of them, its path too, like any other file."""

from __future__ import annotations

from sitekit import MakeSite, read_tree, run_build, story

PEOPLE = "people:\n  - name: Wanjiru Kamau\n"


def test_assets_in_folders_are_published_and_hidden_folders_are_not(
    make_site: MakeSite,
) -> None:
    site = make_site(
        {"a.md": story("A walk in the park")},
        files={
            "templates/assets/extra.css": "p { margin: 0 }\n",
            "templates/assets/fonts/reader.woff2": b"wOF2 font bytes",
            "templates/assets/images/icons/leaf.svg": "<svg></svg>\n",
            "templates/assets/.git/config": "[core]\n",
            "templates/assets/fonts/.hidden-file": "kept as before: not in a hidden folder\n",
        },
    )
    result = run_build(site, "--output", str(site / "out"))
    assert result.exit_code == 0, result.output
    built = read_tree(site / "out")
    assert built["assets/extra.css"] == b"p { margin: 0 }\n"
    assert built["assets/fonts/reader.woff2"] == b"wOF2 font bytes"
    assert built["assets/images/icons/leaf.svg"] == b"<svg></svg>\n"
    assert "assets/fonts/.hidden-file" in built
    assert not any(path.startswith("assets/.git") for path in built)


def test_a_private_name_in_an_asset_folder_stops_the_build(make_site: MakeSite) -> None:
    site = make_site(
        {"a.md": story("A walk in the park", extra=PEOPLE)},
        files={"templates/assets/photos/wanjiru-kamau/portrait.txt": "a portrait\n"},
    )
    result = run_build(site, "--output", str(site / "out"))
    assert result.exit_code == 1, result.output
    assert "a name that must stay private appears in assets/photos/wanjiru-kamau" in result.output
    assert not (site / "out").exists()
