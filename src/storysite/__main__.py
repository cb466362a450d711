from storysite.cli import entry

entry()
